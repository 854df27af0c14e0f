package dev.jfs.changes;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * The change walk on a thread of its own, ahead of the caller's thread, which hears the same
 * changes in the same order as from {@link ChangeWalker#walk}. The walk's thread also runs
 * {@code ahead} on each change, and the caller gets its result with the change. For commit:
 * the walk (readdir, lstat of both views) and the reading of small files on one core, the tar
 * headers, hashing and writing on the other, where one thread did all of it in turn.
 *
 * <p>Changes cross in batches, so that the two threads meet once per {@value #BATCH} changes
 * rather than once per change (each meeting can cost a wake-up). At most {@value #QUEUED}
 * batches wait, which bounds what {@code ahead} may hold in memory. A failure of the walk is
 * thrown on the caller's thread once the changes before it are handled; a failure of
 * {@code out} stops the walk.
 */
public final class WalkAhead {
    static final int BATCH = 128;
    static final int QUEUED = 8;

    private record Ahead<T>(Change change, T prepared) {}

    private WalkAhead() {}

    public static <T> void walk(StackViews views, Function<Change, T> ahead, BiConsumer<Change, T> out) {
        BlockingQueue<List<Ahead<T>>> queue = new ArrayBlockingQueue<>(QUEUED);
        List<Ahead<T>> end = new ArrayList<>(0);
        Throwable[] failure = new Throwable[1];
        Thread walker = new Thread(() -> {
            List<Ahead<T>> batch = new ArrayList<>(BATCH);
            try {
                ChangeWalker.walk(views, c -> {
                    batch.add(new Ahead<>(c, ahead.apply(c)));
                    if (batch.size() == BATCH) {
                        put(queue, new ArrayList<>(batch));
                        batch.clear();
                    }
                });
            } catch (Stopped e) {
                return; // the caller gave up: nobody waits for the end
            } catch (Throwable t) {
                failure[0] = t; // the queue publishes it to the caller
            }
            try {
                if (!batch.isEmpty()) queue.put(batch);
                queue.put(end);
            } catch (InterruptedException e) {
                // the caller gave up
            }
        }, "jfs-walk");
        walker.setDaemon(true);
        walker.start();
        boolean done = false;
        try {
            for (List<Ahead<T>> batch = take(queue); batch != end; batch = take(queue)) {
                for (Ahead<T> a : batch) out.accept(a.change(), a.prepared());
            }
            done = true;
        } finally {
            if (!done) walker.interrupt();
        }
        Throwable t = failure[0];
        if (t instanceof RuntimeException e) throw e;
        if (t instanceof Error e) throw e;
        if (t != null) throw new IllegalStateException(t);
    }

    /** The walk's thread was interrupted: its caller stopped listening. */
    private static final class Stopped extends RuntimeException {
        Stopped() {
            super(null, null, false, false);
        }
    }

    private static <T> void put(BlockingQueue<List<Ahead<T>>> queue, List<Ahead<T>> batch) {
        try {
            queue.put(batch);
        } catch (InterruptedException e) {
            throw new Stopped();
        }
    }

    private static <T> List<Ahead<T>> take(BlockingQueue<List<Ahead<T>>> queue) {
        try {
            return queue.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while walking the changes", e);
        }
    }
}
