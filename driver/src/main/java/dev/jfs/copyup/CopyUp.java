package dev.jfs.copyup;

import dev.jfs.layout.Markers;
import dev.jfs.layout.UpperFormat;
import dev.jfs.posix.Errno;
import dev.jfs.posix.FsException;
import dev.jfs.posix.Posix;
import dev.jfs.posix.Stat;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Copying one entry from a lower layer to the upper, atomically: the copy is built in the work
 * directory with data, xattrs, owner, mode and times, and only then renamed into place. A file's
 * data is on disk before the rename (fsync, as overlayfs does unless mounted {@code volatile}), so
 * a crash never leaves an empty or partial copy in the upper, hiding the lower file whole. Data
 * moves with copy_file_range (reflink or in-kernel copy where the filesystem allows). Knows
 * nothing about layers: the union decides what to copy.
 */
public final class CopyUp {
    private final String tmpDir;
    private final UpperFormat format;
    private final AtomicLong counter = new AtomicLong();
    /** False with {@code -o volatile}: copies are not synced to disk before they take the lower's place. */
    private boolean durable = true;

    /** @param tmpDir a directory on the upper's filesystem (WORK/jfs-tmp), emptied at mount */
    public CopyUp(String tmpDir, UpperFormat format) {
        this.tmpDir = tmpDir;
        this.format = format;
    }

    /** Set before the mount serves requests: {@code -o volatile} turns it off. */
    public void durable(boolean on) {
        durable = on;
    }

    /** A fresh name in the work directory. */
    public String tmpPath() {
        return tmpDir + "/t" + ProcessHandle.current().pid() + "-" + counter.incrementAndGet();
    }

    /**
     * Copies the entry at {@code src} (a directory without its contents) to {@code dst}, which must
     * not exist, recording {@code origin} as its inode number.
     *
     * @param withData false when the caller is about to truncate the file to zero anyway
     */
    public void copy(String src, Stat st, String dst, long origin, boolean withData) {
        String tmp = build(src, st, origin, withData);
        try {
            Posix.rename(tmp, dst, Posix.RENAME_NOREPLACE);
        } catch (FsException e) {
            removeQuietly(tmp, st);
            throw e;
        }
    }

    /**
     * Copies a file that has other names in its lower layer: the copy is also linked at
     * {@code indexPath}, so those other names find it (see the union's HardlinkIndex).
     */
    public void copyIndexed(String src, Stat st, String indexPath, String dst, long origin) {
        String tmp = build(src, st, origin, true);
        try {
            Posix.link(tmp, indexPath);
            Posix.rename(tmp, dst, Posix.RENAME_NOREPLACE);
        } catch (FsException e) {
            removeQuietly(tmp, st);
            throw e;
        }
    }

    /** Copies a lower file with several names into the index at {@code indexPath} alone, under no upper name. */
    public void copyToIndex(String src, Stat st, String indexPath, long origin) {
        String tmp = build(src, st, origin, true);
        try {
            Posix.link(tmp, indexPath);
        } finally {
            removeQuietly(tmp, st);
        }
    }

    /** Links an existing upper file (an index copy) at {@code dst}. */
    public void linkUp(String existing, String dst) {
        Posix.link(existing, dst);
    }

    /** Builds the copy in the work directory and returns its path. */
    private String build(String src, Stat st, long origin, boolean withData) {
        String tmp = tmpPath();
        try {
            switch (st.type()) {
                case Stat.S_IFREG -> copyFile(src, tmp, st, withData && st.size() > 0);
                case Stat.S_IFDIR -> Posix.mkdir(tmp, 0700);
                case Stat.S_IFLNK -> Posix.symlink(Posix.readlink(src), tmp);
                default -> Posix.mknod(tmp, st.type() | 0600, st.rdev());
            }
            // The owner first: a chown drops security.capability (overlayfs sets the owner without
            // that), so the xattrs come after it, and the mode and times after them.
            copyOwner(tmp, st);
            copyXattrs(src, tmp);
            if (origin >= 0) format.setOrigin(tmp, origin);
            copyModeAndTimes(tmp, st);
            return tmp;
        } catch (FsException e) {
            removeQuietly(tmp, st);
            throw e;
        }
    }

    private void copyFile(String src, String tmp, Stat st, boolean withData) {
        int out = Posix.open(tmp, Posix.O_WRONLY | Posix.O_CREAT | Posix.O_EXCL, 0600);
        try {
            if (withData) {
                int in = Posix.open(src, Posix.O_RDONLY | Posix.O_NOFOLLOW, 0);
                try {
                    Posix.copyData(in, out, st.size(), durable);
                } finally {
                    Posix.close(in);
                }
            }
        } finally {
            Posix.close(out);
        }
    }

    /** Every xattr but the union's own markers (opaque, redirect and origin belong to the lower). */
    private static void copyXattrs(String src, String dst) {
        for (String name : Posix.listxattr(src)) {
            if (Markers.isInternalXattr(name)) continue;
            byte[] v = Posix.getxattr(src, name);
            if (v == null) continue;
            try {
                Posix.setxattr(dst, name, v, 0);
            } catch (FsException e) {
                // trusted.* and security.* need privilege; an unprivileged copy-up keeps the rest.
                if (e.errno() != Errno.EPERM && e.errno() != Errno.EOPNOTSUPP) throw e;
            }
        }
    }

    /** The owner of the original (a chown clears setuid bits and security.capability: it goes first). */
    private static void copyOwner(String path, Stat st) {
        try {
            Posix.lchown(path, st.uid(), st.gid());
        } catch (FsException e) {
            if (e.errno() != Errno.EPERM) throw e; // unprivileged: the copy stays ours
        }
    }

    /** Mode, then times last (everything before changes them). */
    private static void copyModeAndTimes(String path, Stat st) {
        if (!st.isSymlink()) Posix.chmod(path, st.permissions());
        Posix.utimens(path, st.atimeSec(), st.atimeNsec(), st.mtimeSec(), st.mtimeNsec());
    }

    private static void removeQuietly(String tmp, Stat st) {
        try {
            if (st.isDirectory()) Posix.rmdir(tmp);
            else Posix.unlink(tmp);
        } catch (FsException ignored) {
            // nothing was made, or the work dir is cleaned at the next mount
        }
    }
}
