package dev.jfs.fuse.adapter;

import dev.jfs.posix.Errno;
import java.util.HashMap;
import java.util.Map;
import java.util.logging.Logger;

/**
 * Which opens of a kernel inode go straight to the file on disk (FUSE passthrough, Linux 6.9):
 * the kernel then reads and writes that file itself, and those requests never come to jfs.
 *
 * <p>The kernel holds one backing file per inode while any passthrough open of it lasts, and
 * refuses to mix: a cached open of an inode with a backing file fails (EINVAL), as does a
 * passthrough open of an inode with cached opens (ETXTBSY) or of another backing file (EBUSY).
 * So the first open of an inode decides for all opens until the last is released, and
 * a later open passes through only to the same file.
 *
 * <p>Only descriptors on the upper layer start a passthrough (files created, opened for writing,
 * or large ones opened to read): an upper file stays the file of its node while open. A lower
 * file opened to read would not: a later open for writing copies it up, a different file the
 * kernel could not switch to.
 *
 * <p>Plain Java: the kernel side is behind {@link Backings}, so the rules are unit-tested.
 */
final class PassthroughFiles {
    private static final Logger LOG = Logger.getLogger(PassthroughFiles.class.getName());

    /** The kernel's registry of backing files (FUSE_DEV_IOC_BACKING_OPEN/CLOSE). */
    interface Backings {
        /** Registers the file open at {@code fd}: a backing id (> 0), or -errno. */
        int register(int fd);

        void unregister(int backingId);

        /** What file {@code fd} is open on (st_dev and st_ino): the same file gives an equal value. */
        Object identity(int fd);
    }

    /** One kernel inode with opens: how many, and the backing file they pass through to (0: cached). */
    private static final class Inode {
        int opens;
        int backingId;
        Object file;
    }

    private final Backings backings;
    private final Map<Long, Inode> inodes = new HashMap<>();
    /** Read without the lock on every open (volatile); only ever turned off, under the lock. */
    private volatile boolean enabled;

    PassthroughFiles(Backings backings, boolean enabled) {
        this.backings = backings;
        this.enabled = enabled;
    }

    boolean enabled() {
        return enabled;
    }

    synchronized void disable() {
        enabled = false;
    }

    /**
     * An open of kernel inode {@code nodeid} succeeded with descriptor {@code fd}. Returns the
     * backing id to answer with (FOPEN_PASSTHROUGH), or 0 for a cached open.
     *
     * @param candidate whether {@code fd} may start a passthrough (an upper file with one name)
     */
    synchronized int opened(long nodeid, int fd, boolean candidate) {
        Inode inode = inodes.get(nodeid);
        boolean first = inode == null;
        if (first) {
            inode = new Inode();
            inodes.put(nodeid, inode);
            if (candidate && enabled) start(inode, fd);
        }
        inode.opens++;
        if (inode.backingId == 0) return 0;
        if (first || inode.file.equals(backings.identity(fd))) return inode.backingId;
        // An upper node's file never changes while open (see above). The kernel will refuse this open.
        LOG.warning("kernel inode " + nodeid + " passes through to another file than descriptor " + fd + " is open on");
        return 0;
    }

    private void start(Inode inode, int fd) {
        int id = backings.register(fd);
        if (id > 0) {
            inode.backingId = id;
            inode.file = backings.identity(fd);
        } else if (id != -Errno.ELOOP) {
            // Not root (EPERM) or a kernel without passthrough: every later open would fail alike.
            // ELOOP is the file's own: it lives on a stacked filesystem (an overlay), others may not.
            enabled = false;
            LOG.info("FUSE passthrough unavailable (errno " + -id + "): reads and writes go through jfs");
        }
    }

    /** The kernel released one open of {@code nodeid} (FUSE_RELEASE): the last one frees its backing file. */
    synchronized void released(long nodeid) {
        Inode inode = inodes.get(nodeid);
        if (inode == null || --inode.opens > 0) return;
        inodes.remove(nodeid);
        if (inode.backingId > 0) backings.unregister(inode.backingId);
    }

    /** Kernel inodes with opens, for tests. */
    synchronized int openInodes() {
        return inodes.size();
    }
}
