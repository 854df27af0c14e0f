package dev.jfs.posix;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What /proc says of a process's pending signals. */
public final class Signals {
    private static final long SIGKILL_BIT = 1L << (9 - 1);

    private Signals() {}

    /**
     * Whether thread {@code tid} is being killed: SIGKILL is pending for it or its process, as the
     * kernel marks every thread of a process that a signal's default action ends. False if it is
     * gone or cannot be read.
     */
    public static boolean beingKilled(int tid) {
        if (tid <= 0) return false;
        try {
            return killPending(Files.readString(Path.of("/proc/" + tid + "/status")));
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** Whether a /proc status text has SIGKILL in SigPnd (the thread's) or ShdPnd (the process's). */
    static boolean killPending(String status) {
        for (String line : status.split("\n")) {
            if (line.startsWith("SigPnd:") || line.startsWith("ShdPnd:")) {
                long mask = Long.parseUnsignedLong(line.substring(7).trim(), 16);
                if ((mask & SIGKILL_BIT) != 0) return true;
            }
        }
        return false;
    }
}
