package dev.jfs.fuse;

import dev.jfs.posix.Errno;
import dev.jfs.posix.FsException;
import dev.jfs.posix.Posix;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

/**
 * A second descriptor on the mount's FUSE connection (FUSE_DEV_IOC_CLONE), non-blocking, for one
 * loop thread that asks for the next request for a short while before it sleeps. Requests come
 * one after another from a program walking or writing a tree, each a few microseconds after the
 * last answer; a thread that sleeps between them pays two wake-ups a request, and on this kind
 * of virtual machine (guest halt-polling off) a wake-up of an idle CPU costs tens of
 * microseconds. Answers to requests read here must be written here too: the kernel keeps each
 * descriptor's requests in progress apart.
 */
final class PolledDevice {
    /** _IOR(229, 0, uint32_t) */
    private static final long FUSE_DEV_IOC_CLONE = 0x8004e500L;
    private static final short POLLIN = 1;

    final int fd;
    private final long spinNanos;
    private final Pointer pollFd;

    private PolledDevice(int fd, long spinNanos, Runtime runtime) {
        this.fd = fd;
        this.spinNanos = spinNanos;
        this.pollFd = Memory.allocateDirect(runtime, 8, true);
        pollFd.putInt(0, fd);
        pollFd.putShort(4, POLLIN);
    }

    /** A clone of {@code deviceFd}'s connection, or null if the kernel refuses (then the thread blocks as the others do). */
    static PolledDevice cloneOf(int deviceFd, long spinNanos, Runtime runtime) {
        int fd;
        try {
            fd = Posix.open("/dev/fuse", Posix.O_RDWR | Posix.O_NONBLOCK, 0);
        } catch (FsException e) {
            return null;
        }
        if (Posix.libc().ioctl(fd, FUSE_DEV_IOC_CLONE, new int[] {deviceFd}) != 0) {
            Posix.close(fd);
            return null;
        }
        return new PolledDevice(fd, spinNanos, runtime);
    }

    /**
     * The next request, read into {@code buf}: its length, or 0 once the filesystem is unmounted.
     * Asks without sleeping for up to the spin time, then sleeps until one comes.
     */
    int next(Pointer buf, long size) {
        long deadline = 0;
        while (true) {
            int n;
            try {
                n = Posix.readIfReady(fd, buf, size);
            } catch (FsException e) {
                if (e.errno() == Errno.ENOENT) continue; // interrupted before we read it
                return 0; // ENODEV: unmounted
            }
            if (n > 0) return n;
            long now = System.nanoTime();
            if (deadline == 0) {
                deadline = now + spinNanos;
            } else if (now - deadline > 0) {
                Posix.libc().poll(pollFd, 1, -1);
                deadline = 0;
            } else {
                Thread.onSpinWait();
            }
        }
    }
}
