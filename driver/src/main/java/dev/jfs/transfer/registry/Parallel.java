package dev.jfs.transfer.registry;

import dev.jfs.UserError;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** The threads blobs move on: a few at once, daemons, so a failed command exits without waiting for them. */
final class Parallel {
    /** Blobs at once: enough to fill a link, few enough not to starve the imports of CPU. */
    static final int BLOBS = 3;

    private Parallel() {}

    static ExecutorService pool(String name) {
        return Executors.newFixedThreadPool(BLOBS, r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    /** The task's result; its UserError (or other unchecked failure) as it was thrown. */
    static <T> T await(Future<T> f) {
        try {
            return f.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            if (e.getCause() instanceof Error err) throw err;
            throw new UserError(e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserError("interrupted");
        }
    }
}
