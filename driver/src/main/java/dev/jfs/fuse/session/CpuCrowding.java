package dev.jfs.fuse.session;

import dev.jfs.posix.FsException;
import dev.jfs.posix.Posix;
import java.util.function.IntSupplier;

/**
 * Whether the machine has more runnable threads than CPUs and one more, from the run queue's
 * length in /proc/loadavg, read at most every {@link #SAMPLE_NANOS} and smoothed. A thread that asks for
 * requests without sleeping is worth it only while a CPU would otherwise idle: when every CPU has
 * work, the asking takes the CPU the program sending the requests is waiting for.
 */
final class CpuCrowding {
    static final long SAMPLE_NANOS = 4_000_000;

    private final IntSupplier runnable;
    private final double limit;
    private long sampledAt = Long.MIN_VALUE / 2;
    private double average;

    /** @param runnable the machine's runnable threads now, the caller among them; -1 if unknown */
    CpuCrowding(IntSupplier runnable, int cpus) {
        this.runnable = runnable;
        this.limit = cpus + 1; // one thread more than CPUs still left asking worth it
    }

    /** On this machine: /proc/loadavg, against the CPUs this process may use. */
    static CpuCrowding ofThisMachine() {
        return new CpuCrowding(new LoadAverageFile()::runnable, java.lang.Runtime.getRuntime().availableProcessors());
    }

    /** True when, over the last several samples, more threads wanted to run than CPUs and one more. */
    boolean crowded(long now) {
        if (now - sampledAt >= SAMPLE_NANOS) {
            sampledAt = now;
            int n = runnable.getAsInt();
            if (n >= 0) average += (n - average) / 8;
        }
        return average > limit;
    }

    /** The fourth field of /proc/loadavg ("0.52 0.58 0.59 3/412 9981"): runnable threads now. */
    static int runnableOf(byte[] text, int length) {
        int spaces = 0, value = -1;
        for (int i = 0; i < length; i++) {
            byte b = text[i];
            if (b == ' ') {
                spaces++;
            } else if (spaces == 3) {
                if (b == '/') return value;
                if (b < '0' || b > '9') return -1;
                value = (value < 0 ? 0 : value * 10) + (b - '0');
            }
        }
        return -1;
    }

    /** /proc/loadavg kept open and read again from its start: no path look-up per sample. */
    private static final class LoadAverageFile {
        private final byte[] text = new byte[128];
        private int fd = -2;

        int runnable() {
            if (fd == -2) {
                try {
                    fd = Posix.open("/proc/loadavg", Posix.O_RDONLY | Posix.O_CLOEXEC, 0);
                } catch (FsException e) {
                    fd = -1;
                }
            }
            if (fd < 0) return -1;
            long n = Posix.libc().pread(fd, text, text.length, 0);
            return n > 0 ? runnableOf(text, (int) n) : -1;
        }
    }
}
