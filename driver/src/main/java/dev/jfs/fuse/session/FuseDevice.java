package dev.jfs.fuse.session;

import dev.jfs.posix.Errno;
import dev.jfs.posix.FsException;
import dev.jfs.posix.Posix;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

/**
 * One descriptor on a mount's FUSE connection: requests are read from it and each answer must be
 * written to the descriptor its request came from. Every request thread has its own clone
 * (FUSE_DEV_IOC_CLONE), so none waits for another to hand over the device.
 */
public final class FuseDevice implements AutoCloseable {
    /** _IOR(229, 0, uint32_t): a new descriptor on an existing connection. */
    static final long FUSE_DEV_IOC_CLONE = 0x8004e500L;
    final int fd;

    public FuseDevice(int fd) {
        this.fd = fd;
    }

    /** The descriptor itself, for io_uring commands on this connection. */
    public int fd() {
        return fd;
    }

    /** Opens /dev/fuse for a new connection (mount(2) is told its number). */
    static FuseDevice open() {
        return new FuseDevice(Posix.open("/dev/fuse", Posix.O_RDWR, 0));
    }

    /** A new descriptor on this connection, or null if the kernel cannot clone it. */
    FuseDevice cloned() {
        int clone;
        try {
            clone = Posix.open("/dev/fuse", Posix.O_RDWR, 0);
        } catch (FsException e) {
            return null;
        }
        if (Posix.ioctl(clone, FUSE_DEV_IOC_CLONE, new int[] {fd}) != 0) {
            Posix.close(clone);
            return null;
        }
        return new FuseDevice(clone);
    }

    /**
     * The next request, read into {@code buf}: its length, or 0 once the filesystem is
     * unmounted (or the connection aborted).
     */
    int read(Pointer buf, int size) {
        while (true) {
            try {
                return Posix.read(fd, buf, size);
            } catch (FsException e) {
                // ENOENT: the request was interrupted before we read it; EINTR: a signal.
                if (e.errno() == Errno.ENOENT || e.errno() == Errno.EINTR || e.errno() == Errno.EAGAIN) continue;
                return 0;
            }
        }
    }

    /** Writes an answer; false if the kernel no longer waits for it (interrupted, or unmounted). */
    boolean write(Pointer buf, int length) {
        try {
            Posix.write(fd, buf, length);
            return true;
        } catch (FsException e) {
            return false;
        }
    }

    /** FUSE_NOTIFY_INVAL_INODE, sent in the error field of a message whose unique is 0. */
    private static final int NOTIFY_INVAL_INODE = 2;
    private static final int NOTIFY_INVAL_INODE_LENGTH = 16 + 24;

    /**
     * Tells the kernel to forget the attributes it caches of node {@code nodeid} (not its page
     * cache: offset -1), for a change the kernel did not see happen to it. Safe from inside a
     * request: the kernel takes no lock a request holds. False if the kernel does not know the node.
     */
    public boolean invalidateAttributes(long nodeid) {
        Pointer msg = Memory.allocateDirect(Runtime.getSystemRuntime(), NOTIFY_INVAL_INODE_LENGTH, true);
        msg.putInt(0, NOTIFY_INVAL_INODE_LENGTH);
        msg.putInt(4, NOTIFY_INVAL_INODE);
        msg.putLong(8, 0);
        msg.putLong(16, nodeid);
        msg.putLong(24, -1);
        msg.putLong(32, 0);
        return write(msg, NOTIFY_INVAL_INODE_LENGTH);
    }

    /** _IOW(229, 1, struct fuse_backing_map) and _IOW(229, 2, u32): FUSE passthrough's backing files. */
    private static final long BACKING_OPEN = 0x4010E501L, BACKING_CLOSE = 0x4004E502L;

    /** Registers {@code fileFd} as a backing file for passthrough opens: its id (> 0), or -errno. */
    public int backingOpen(int fileFd) {
        return Posix.ioctl(fd, BACKING_OPEN, new int[] {fileFd, 0, 0, 0});
    }

    public void backingClose(int backingId) {
        Posix.ioctl(fd, BACKING_CLOSE, new int[] {backingId});
    }

    @Override
    public void close() {
        try {
            Posix.close(fd);
        } catch (FsException ignored) {
            // closed already
        }
    }
}
