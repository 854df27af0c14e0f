package dev.jfs.fuse.session;

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
    private static final short POLLIN = 1;

    final int fd;
    private final long spinNanos;
    private final Pointer pollFd;
    private final CpuCrowding crowding;

    /** On any non-blocking descriptor; tests use a pipe. */
    PolledDevice(int fd, long spinNanos, Runtime runtime, CpuCrowding crowding) {
        this.fd = fd;
        this.spinNanos = spinNanos;
        this.crowding = crowding;
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
        if (Posix.ioctl(fd, FuseDevice.FUSE_DEV_IOC_CLONE, new int[] {deviceFd}) != 0) {
            Posix.close(fd);
            return null;
        }
        return new PolledDevice(fd, spinNanos, runtime, CpuCrowding.ofThisMachine());
    }

    /** How long the last call waited for its request: what the next wait is expected to be. */
    private long lastWait;

    /** Whether a call now asks for a while before it sleeps. */
    boolean asksFirst(long now) {
        return lastWait < spinNanos && !crowding.crowded(now);
    }

    /**
     * The next request, read into {@code buf}: its length, or 0 once the filesystem is unmounted.
     * Asks without sleeping for up to the spin time, then sleeps until one comes; but sleeps at
     * once if the last request took longer than the spin time to come. A program sending
     * requests back to back keeps the thread asking; one that waits between them (for the disk,
     * for its own work) would have it ask in vain after every request, each ask a system call,
     * on CPU that such a program and the kernel need. Cold tar of 50k files, daemon CPU: 12-18 s
     * asking after every request, 10 s asking only after quick ones, 9 s never asking; creating
     * 10k files kept what asking gains (3.2-3.4 s against 3.6-4.1 s never asking). Nor does it
     * ask while the machine has more runnable threads than CPUs ({@link CpuCrowding}).
     */
    int next(Pointer buf, long size) {
        long start = System.nanoTime();
        boolean asking = asksFirst(start);
        while (true) {
            int n;
            try {
                n = Posix.readIfReady(fd, buf, size);
            } catch (FsException e) {
                if (e.errno() == Errno.ENOENT) continue; // interrupted before we read it
                return 0; // ENODEV: unmounted
            }
            if (n > 0) {
                lastWait = System.nanoTime() - start;
                return n;
            }
            if (asking && System.nanoTime() - start < spinNanos) {
                Thread.onSpinWait();
            } else {
                Posix.libc().poll(pollFd, 1, -1);
                asking = false; // woken: another thread may have taken the request; sleep again if so
            }
        }
    }
}
