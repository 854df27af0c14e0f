package dev.jfs.nativetest.session;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Aborts the FUSE connection of a mountpoint if the test has not closed this by a deadline, so
 * that a request nobody answers fails the test instead of hanging CI. The connection is found
 * from /proc/self/mountinfo (its minor device number), never by touching the mountpoint.
 */
final class AbortOnDeadline implements AutoCloseable {
    private static final Path CONNECTIONS = Path.of("/sys/fs/fuse/connections");
    private final Path mountPoint;
    private final Thread thread;
    private volatile boolean fired;

    AbortOnDeadline(Path mountPoint, long seconds) {
        this.mountPoint = mountPoint.toAbsolutePath().normalize();
        thread = new Thread(() -> {
            try {
                Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
            } catch (InterruptedException e) {
                return; // closed in time
            }
            fired = true;
            abort();
        }, "abort-on-deadline");
        thread.setDaemon(true);
        thread.start();
    }

    /** The minor device number of the FUSE mount at {@code mnt}, or -1 if none. */
    static int connectionOf(Path mnt) throws IOException {
        String want = mnt.toAbsolutePath().normalize().toString();
        int found = -1;
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            String[] f = line.split(" ");
            int dash = line.indexOf(" - ");
            if (f[4].equals(want) && line.substring(dash + 3).startsWith("fuse")) {
                found = Integer.parseInt(f[2].substring(f[2].indexOf(':') + 1));
            }
        }
        return found;
    }

    private void abort() {
        try {
            int minor = connectionOf(mountPoint);
            if (minor < 0) return;
            if (!Files.exists(CONNECTIONS.resolve(String.valueOf(minor)))) {
                new ProcessBuilder("mount", "-t", "fusectl", "none", CONNECTIONS.toString()).inheritIO().start().waitFor();
            }
            Files.writeString(CONNECTIONS.resolve(minor + "/abort"), "1");
        } catch (IOException | InterruptedException e) {
            System.err.println("abort-on-deadline: could not abort " + mountPoint + ": " + e);
        }
    }

    @Override
    public void close() {
        thread.interrupt();
        if (fired) throw new AssertionError("deadline passed: aborted the FUSE connection of " + mountPoint);
    }
}
