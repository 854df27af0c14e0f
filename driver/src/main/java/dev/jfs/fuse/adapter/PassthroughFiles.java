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
 * <p>Passthrough writes go to the backing file past the inode's page cache, and readahead(2) or
 * fadvise(WILLNEED) still fill that cache through READs: once the inode is opened cached again,
 * its cache may hold pages older than the file. So the opens of the first cached run after a
 * passthrough ask the kernel to drop it ({@link #DROP_CACHE}); later runs keep it (what is read
 * and written through cached opens goes through the page cache).
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

        /** What {@code fd} is open on, from one fstat. */
        Seen see(int fd);
    }

    /**
     * @param file the file (st_dev and st_ino): the same file gives an equal value
     * @param changeTime its st_ctime in nanoseconds
     */
    record Seen(Object file, long changeTime) {}

    /** {@link #opened}'s answer for a cached open whose inode's page cache may be out of date. */
    static final int DROP_CACHE = -1;

    /**
     * One kernel inode with opens: how many, the backing file they pass through to (0: cached),
     * and for cached opens whether they drop the page cache.
     */
    private static final class Inode {
        int opens;
        /** Of the opens, those that may write (and map the backing file to write). */
        int writers;
        /** The file's change time when the first of its writers opened it. */
        long changedBeforeWriters;
        int backingId;
        Object file;
        boolean dropsCache;
    }

    private final Backings backings;
    private final Map<FsNode, Inode> inodes = new HashMap<>();
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
     * An open of kernel inode {@code node} succeeded with descriptor {@code fd}. Returns the
     * backing id to answer with (FOPEN_PASSTHROUGH), 0 for a cached open (FOPEN_KEEP_CACHE), or
     * {@link #DROP_CACHE} for a cached open that must not keep the inode's page cache.
     *
     * @param candidate whether {@code fd} may start a passthrough (an upper file with one name)
     */
    synchronized int opened(FsNode node, int fd, boolean candidate) {
        return opened(node, fd, candidate, false);
    }

    /** {@link #opened(FsNode, int, boolean)} of an open that may write ({@code writes}) or not. */
    synchronized int opened(FsNode node, int fd, boolean candidate, boolean writes) {
        Inode inode = inodes.get(node);
        boolean first = inode == null;
        Seen seen = null;
        if (first) {
            inode = new Inode();
            inodes.put(node, inode);
            if (candidate && enabled) seen = start(inode, fd);
            if (inode.backingId > 0) node.pageCacheOutdated = true;
            else inode.dropsCache = node.pageCacheOutdated;
        }
        inode.opens++;
        if (inode.backingId == 0) return inode.dropsCache ? DROP_CACHE : 0;
        if (seen == null) seen = backings.see(fd);
        if (first || inode.file.equals(seen.file())) {
            if (writes && inode.writers++ == 0) inode.changedBeforeWriters = seen.changeTime();
            return inode.backingId;
        }
        // An upper node's file never changes while open (see above). The kernel will refuse this open.
        LOG.warning("kernel inode " + node.id + " passes through to another file than descriptor " + fd + " is open on");
        return 0;
    }

    /** Registers {@code fd}'s file as the inode's backing file: what it saw of the file, or null. */
    private Seen start(Inode inode, int fd) {
        int id = backings.register(fd);
        if (id > 0) {
            Seen seen = backings.see(fd);
            inode.backingId = id;
            inode.file = seen.file();
            return seen;
        } else if (id != -Errno.ELOOP) {
            // Not root (EPERM) or a kernel without passthrough: every later open would fail alike.
            // ELOOP is the file's own: it lives on a stacked filesystem (an overlay), others may not.
            enabled = false;
            LOG.info("FUSE passthrough unavailable (errno " + -id + "): reads and writes go through jfs");
        }
        return null;
    }

    /**
     * The kernel released one open of {@code node} (FUSE_RELEASE): the last one frees its backing
     * file, or ends the cached run whose opens dropped the page cache (it is current again).
     */
    synchronized void released(FsNode node) {
        released(node, -1, false);
    }

    /**
     * {@link #released(FsNode)} of an open on {@code fd} that may write ({@code writes}) or not.
     * True if it was the last open that wrote through to the upper file and the file changed
     * meanwhile: stores into a shared mapping change its times with no request to jfs or the
     * kernel, whose cached ones may then be old.
     */
    synchronized boolean released(FsNode node, int fd, boolean writes) {
        Inode inode = inodes.get(node);
        if (inode == null) return false;
        boolean lastWriter = writes && inode.backingId > 0 && inode.writers > 0 && --inode.writers == 0;
        boolean changed = lastWriter && backings.see(fd).changeTime() != inode.changedBeforeWriters;
        if (--inode.opens == 0) {
            inodes.remove(node);
            if (inode.backingId > 0) backings.unregister(inode.backingId);
            else if (inode.dropsCache) node.pageCacheOutdated = false;
        }
        return changed;
    }

    /** Kernel inodes with opens, for tests. */
    synchronized int openInodes() {
        return inodes.size();
    }
}
