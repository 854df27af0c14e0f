package dev.jfs.cli;

import java.util.function.LongConsumer;

/**
 * A progress line for long imports and commits: on a terminal only (redrawn in place on stderr,
 * cleared at the end), never when piped, and not at all for what ends within a second.
 */
final class Progress implements LongConsumer, AutoCloseable {
    private static final long INTERVAL_NS = 200_000_000L;
    private static final long QUIET_NS = 1_000_000_000L;
    private final String what;
    private final long total;
    private final long start = System.nanoTime();
    private long lastDraw = start;
    private boolean drawn;

    private Progress(String what, long total) {
        this.what = what;
        this.total = total;
    }

    /**
     * A progress line ({@code what}: "importing FILE") counting bytes up to {@code total} (or -1
     * if unknown), if this runs on a terminal (System.console() != null); else null.
     */
    static Progress onTerminal(String what, long total) {
        return System.console() != null ? new Progress(what, total) : null;
    }

    @Override
    public void accept(long done) {
        long now = System.nanoTime();
        if (now - lastDraw < INTERVAL_NS || now - start < QUIET_NS) return;
        lastDraw = now;
        double secs = (now - start) / 1e9;
        String rate = String.format("%.1f MB/s", done / 1e6 / secs);
        String line = total > 0
                ? String.format("%s: %s of %s (%d%%), %s", what, LayerCommand.human(done), LayerCommand.human(total),
                        done * 100 / total, rate)
                : String.format("%s: %s, %s", what, LayerCommand.human(done), rate);
        System.err.print("\r" + line + "\033[K");
        System.err.flush();
        drawn = true;
    }

    @Override
    public void close() {
        if (drawn) {
            System.err.print("\r\033[K");
            System.err.flush();
        }
    }
}
