package dev.jfs.build;

import dev.jfs.UserError;
import dev.jfs.posix.Errno;
import dev.jfs.posix.FsException;
import dev.jfs.posix.Posix;
import dev.jfs.posix.Stat;
import dev.jfs.union.Caller;
import dev.jfs.union.UnionFs;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Writes files into a build container's root through the union in process (no mount): paths
 * are resolved inside the root, its symlinks followed as the image sees them (a Debian
 * {@code /lib -> usr/lib} leads into {@code /usr/lib}, never into the host's).
 */
final class RootWriter {
    private final UnionFs fs;
    private final ImageRoot root;

    RootWriter(UnionFs fs) {
        this.fs = fs;
        this.root = new ImageRoot(fs, "the image");
    }

    ImageRoot root() {
        return root;
    }

    /** lstat of a resolved path, or null. */
    Stat stat(String rel) {
        return root.lstat(rel);
    }

    /** A directory path with its symlinks resolved, or null when it is missing (or not a directory). */
    String existingDir(String rel) {
        SourceTree.Entry e = root.lookup(rel);
        return e != null && e.stat().isDirectory() ? e.rel() : null;
    }

    /**
     * Makes the directories of {@code rel} that are missing (mode 0755, owned by {@code uid:gid})
     * and returns the path with its symlinks resolved.
     */
    String mkdirs(String rel, int uid, int gid) {
        String resolved = "";
        if (rel.isEmpty()) return resolved;
        for (String name : rel.split("/")) {
            String next = SourceTree.join(resolved, name);
            SourceTree.Entry e = root.lookup(next);
            if (e == null) {
                Stat st = stat(next);
                if (st != null && st.isSymlink()) {
                    throw new UserError("/" + next + " is a symlink to a missing directory: cannot copy under it");
                }
                fs.mkdir(next, 0755, Caller.ROOT);
                if (uid != 0 || gid != 0) fs.chown(next, uid, gid);
                resolved = next;
            } else if (!e.stat().isDirectory()) {
                throw new UserError("/" + e.rel() + " is not a directory: cannot copy into it");
            } else {
                resolved = e.rel();
            }
        }
        return resolved;
    }

    /** Makes way for a new entry at {@code rel}: an old non-directory is removed; an old directory stays for a directory. */
    private boolean clear(String rel, boolean forDirectory) {
        Stat old = stat(rel);
        if (old == null) return false;
        if (old.isDirectory()) {
            if (forDirectory) return true;
            throw new UserError("cannot replace directory /" + rel + " with a non-directory");
        }
        fs.unlink(rel);
        return false;
    }

    /** A directory at {@code rel} (kept when there is one) with the given attributes. */
    void directory(String rel, int mode, int uid, int gid) {
        if (!clear(rel, true)) fs.mkdir(rel, mode, Caller.ROOT);
        else fs.chmod(rel, mode);
        fs.chown(rel, uid, gid);
    }

    /** A regular file at {@code rel} with the bytes of the host file {@code hostSource}. */
    void file(String rel, String hostSource, long size, int mode, int uid, int gid) {
        clear(rel, false);
        UnionFs.Created made = fs.create(rel, mode, Posix.O_WRONLY, Caller.ROOT);
        try {
            int in = Posix.open(hostSource, Posix.O_RDONLY, 0);
            try {
                Posix.copyData(in, made.fd(), size, false);
            } finally {
                Posix.close(in);
            }
        } finally {
            Posix.close(made.fd());
        }
        attributes(rel, mode, uid, gid);
    }

    /** A regular file at {@code rel} with what {@code data} gives. */
    void file(String rel, InputStream data, int mode, int uid, int gid) throws IOException {
        clear(rel, false);
        UnionFs.Created made = fs.create(rel, mode, Posix.O_WRONLY, Caller.ROOT);
        try (OutputStream out = Files.newOutputStream(Path.of("/proc/self/fd/" + made.fd()), StandardOpenOption.WRITE)) {
            data.transferTo(out);
        } finally {
            Posix.close(made.fd());
        }
        attributes(rel, mode, uid, gid);
    }

    void symlink(String rel, String target, int uid, int gid) {
        clear(rel, false);
        fs.symlink(target, rel, Caller.ROOT);
        fs.chown(rel, uid, gid);
    }

    void hardlink(String existing, String rel) {
        clear(rel, false);
        fs.link(existing, rel);
    }

    /** FIFOs and (as root) device nodes from an archive. */
    void special(String rel, int mode, long rdev, int uid, int gid) {
        clear(rel, false);
        fs.mknod(rel, mode, rdev, Caller.ROOT);
        fs.chown(rel, uid, gid);
    }

    void times(String rel, long sec, long nsec) {
        try {
            fs.utimens(rel, sec, nsec, sec, nsec);
        } catch (FsException e) {
            if (e.errno() != Errno.ENOENT) throw e;
        }
    }

    private void attributes(String rel, int mode, int uid, int gid) {
        fs.chmod(rel, mode);
        fs.chown(rel, uid, gid);
    }
}
