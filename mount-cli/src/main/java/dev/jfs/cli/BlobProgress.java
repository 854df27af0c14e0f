package dev.jfs.cli;

import dev.jfs.image.Digests;
import dev.jfs.transfer.registry.TransferProgress;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One line per blob of a pull or push on a terminal (stderr), redrawn in place as the blobs move
 * ("3f4e5d6c7b8a: 12.0 MB of 45.1 MB", then "done", "exists", "mounted"); nothing when piped.
 */
final class BlobProgress implements TransferProgress, AutoCloseable {
    private static final long INTERVAL_NS = 100_000_000L;
    private final Map<String, String> lines = new LinkedHashMap<>();
    private final Map<String, Long> sizes = new LinkedHashMap<>();
    private int drawn;
    private long lastDraw;

    private BlobProgress() {}

    /** A display if stderr's process runs on a terminal (System.console() != null), else {@link TransferProgress#NONE}. */
    static TransferProgress onTerminal() {
        return System.console() != null ? new BlobProgress() : NONE;
    }

    /** Closes {@code p} if it is a display. */
    static void end(TransferProgress p) {
        if (p instanceof BlobProgress b) b.close();
    }

    @Override
    public synchronized void started(String digest, long size) {
        sizes.put(digest, size);
        lines.put(digest, "waiting");
        draw(true);
    }

    @Override
    public synchronized void advanced(String digest, long done) {
        long size = sizes.getOrDefault(digest, -1L);
        lines.put(digest, LayerCommand.human(done) + (size > 0 ? " of " + LayerCommand.human(size) : ""));
        draw(false);
    }

    @Override
    public synchronized void finished(String digest, String how) {
        lines.put(digest, how);
        draw(true);
    }

    private void draw(boolean now) {
        long t = System.nanoTime();
        if (!now && t - lastDraw < INTERVAL_NS) return;
        lastDraw = t;
        StringBuilder b = new StringBuilder();
        if (drawn > 0) b.append("\033[").append(drawn).append('A');
        lines.forEach((d, s) -> b.append('\r').append(Digests.shortId(d)).append(": ").append(s).append("\033[K\n"));
        drawn = lines.size();
        System.err.print(b);
        System.err.flush();
    }

    @Override
    public synchronized void close() {
        if (drawn > 0) draw(true);
    }
}
