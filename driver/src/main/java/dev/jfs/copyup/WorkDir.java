package dev.jfs.copyup;

import dev.jfs.posix.DirEntry;
import dev.jfs.posix.Errno;
import dev.jfs.posix.FsException;
import dev.jfs.posix.Posix;
import dev.jfs.posix.Stat;

/**
 * The work directory's layout: {@code jfs-tmp/} for copies being built and entries being deleted
 * (emptied at every mount: anything there is a crash's leftover, never live data) and
 * {@code jfs-index/} for the hard-link index. Names differ from the kernel's {@code work/} and
 * {@code index/} so the kernel can use the same work directory.
 */
public final class WorkDir {
    private final String root;

    public WorkDir(String root) {
        this.root = root;
    }

    public String tmp() {
        return root + "/jfs-tmp";
    }

    public String index() {
        return root + "/jfs-index";
    }

    /** Creates the layout and removes what a crashed mount left in the tmp directory. */
    public void prepare() {
        for (String d : new String[] {tmp(), index()}) {
            if (Posix.lstatOrNull(d) == null) Posix.mkdir(d, 0700);
        }
        for (DirEntry e : Posix.readDir(tmp())) removeTree(tmp() + "/" + e.name());
    }

    /** Removes a file or a whole directory tree on disk, never following symlinks. */
    public static void removeTree(String path) {
        Stat st = Posix.lstatOrNull(path);
        if (st == null) return;
        if (st.isDirectory()) {
            for (DirEntry e : Posix.readDir(path)) removeTree(path + "/" + e.name());
            try {
                Posix.rmdir(path);
            } catch (FsException e) {
                if (e.errno() != Errno.ENOENT) throw e;
            }
        } else {
            Posix.unlink(path);
        }
    }
}
