package dev.jfs.nativetest.session;

import static dev.jfs.nativetest.CliProcess.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Aborts the FUSE connection of a mount that is still in use at a deadline, so that a hung mount
 * fails its test instead of hanging the build: every process waiting on it gets ECONNABORTED.
 * {@link WatchdogVerdict} then fails the test with the reason.
 */
public final class Watchdog implements AutoCloseable {
    static final Path CONNECTIONS = Path.of("/sys/fs/fuse/connections");
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "fuse-watchdog");
        t.setDaemon(true);
        return t;
    });
    private static final AtomicReference<String> FIRED = new AtomicReference<>();

    private final Path mnt;
    private final String connection;
    private final Duration deadline;
    private final ScheduledFuture<?> timer;
    private volatile boolean fired;

    private Watchdog(Path mnt, String connection, Duration deadline) {
        this.mnt = mnt;
        this.connection = connection;
        this.deadline = deadline;
        this.timer = TIMER.schedule(this::abort, deadline.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Starts the clock for the FUSE mount at {@code mnt}; fails at once if its connection cannot be found. */
    public static Watchdog arm(Path mnt, Duration deadline) {
        // From mountinfo, not stat(2): the stat of a hung mount would hang the watchdog too.
        String connection = fuseDevice(mnt);
        if (!isMounted(CONNECTIONS)) sh("mount -t fusectl none " + CONNECTIONS);
        if (!Files.isRegularFile(CONNECTIONS.resolve(connection).resolve("abort"))) {
            throw new AssertionError("no FUSE connection " + connection + " in " + CONNECTIONS + " for " + mnt);
        }
        return new Watchdog(mnt, connection, deadline);
    }

    /** The minor device number of the FUSE mount on top at {@code mnt}: the name of its connection. */
    static String fuseDevice(Path mnt) {
        try {
            String want = mnt.getParent().toRealPath().resolve(mnt.getFileName()).toString();
            String found = null;
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
                String[] f = line.split(" ");
                int dash = List.of(f).indexOf("-");
                if (f[4].equals(want) && dash > 0 && f[dash + 1].startsWith("fuse")) found = f[2].split(":")[1];
            }
            if (found == null) throw new AssertionError("no FUSE mount at " + want);
            return found;
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private void abort() {
        fired = true;
        String why = "the jfs mount at " + mnt + " was still busy after " + deadline.toSeconds()
                + " s (hung?): the watchdog aborted its FUSE connection " + connection;
        FIRED.compareAndSet(null, why);
        System.err.println("watchdog: " + why);
        try {
            Files.writeString(CONNECTIONS.resolve(connection).resolve("abort"), "1");
        } catch (IOException e) {
            System.err.println("watchdog: cannot abort connection " + connection + ": " + e);
        }
    }

    public boolean fired() {
        return fired;
    }

    /** The reason a watchdog fired since the last call, or null; clears it. */
    static String takeFired() {
        return FIRED.getAndSet(null);
    }

    @Override
    public void close() {
        timer.cancel(false);
    }
}
