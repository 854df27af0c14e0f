package dev.jfs.changes;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * The change walk on a thread of its own, ahead of the caller's thread, which hears the same
 * changes in the same order as from {@link ChangeWalker#walk}. Reader threads run {@code ahead}
 * on each change, and the caller gets its result with the change. For commit: the walk
 * (readdir, lstat of both views) on one thread, the reading of small files on
 * {@value #READERS} more, the tar headers, hashing and writing on the caller's. The reading is
 * most of a commit's system calls (open, flistxattr, read, close per file): on one thread beside
 * the walk, that thread was the commit's bottleneck while the caller's waited half the time.
 *
 * <p>Changes cross in batches, so that the threads meet once per {@value #BATCH} changes rather
 * than once per change (each meeting can cost a wake-up). Each batch is handed to a reader as
 * soon as the walk has filled it, and the caller takes the batches in the walk's order, each once
 * its reader is done. At most {@value #QUEUED} batches wait, read or being read, which bounds
 * what {@code ahead} may hold in memory. A failure of the walk or of {@code ahead} is thrown on
 * the caller's thread once the changes before it are handled; a failure of {@code out} stops the
 * walk and the readers.
 */
public final class WalkAhead {
    static final int BATCH = 128;
    static final int QUEUED = 8;
    static final int READERS = 2;

    /**
     * One batch as its reader left it: {@code prepared} holds a result for each change before
     * {@code failure} (all of them if it is null). The walk's end is a batch of no changes.
     */
    private record Prepared<T>(List<Change> changes, List<T> prepared, Throwable failure, boolean end) {}

    private WalkAhead() {}

    public static <T> void walk(StackViews views, Function<Change, T> ahead, BiConsumer<Change, T> out) {
        BlockingQueue<Future<Prepared<T>>> queue = new ArrayBlockingQueue<>(QUEUED);
        ExecutorService readers = Executors.newFixedThreadPool(READERS, daemons("jfs-read-ahead-"));
        Thread walker = new Thread(() -> walkInto(views, ahead, readers, queue), "jfs-walk");
        walker.setDaemon(true);
        walker.start();
        boolean done = false;
        try {
            while (true) {
                Prepared<T> batch = take(queue);
                for (int i = 0; i < batch.prepared().size(); i++) out.accept(batch.changes().get(i), batch.prepared().get(i));
                rethrow(batch.failure());
                if (batch.end()) break;
            }
            done = true;
        } finally {
            if (!done) walker.interrupt();
            readers.shutdownNow();
        }
    }

    /** The walk's thread: batches the changes and hands each to a reader; ends with the end batch. */
    private static <T> void walkInto(StackViews views, Function<Change, T> ahead, ExecutorService readers,
                                     BlockingQueue<Future<Prepared<T>>> queue) {
        List<Change> batch = new ArrayList<>(BATCH);
        Throwable failure = null;
        try {
            try {
                ChangeWalker.walk(views, c -> {
                    batch.add(c);
                    if (batch.size() == BATCH) {
                        List<Change> full = new ArrayList<>(batch);
                        hand(queue, readers, new FutureTask<>(() -> prepare(full, ahead)));
                        batch.clear();
                    }
                });
            } catch (Stopped e) {
                return; // the caller gave up: nobody waits for the end
            } catch (Throwable t) {
                failure = t;
            }
            List<Change> last = List.copyOf(batch);
            Throwable walkFailure = failure;
            hand(queue, readers, new FutureTask<>(() -> {
                Prepared<T> p = prepare(last, ahead);
                return new Prepared<>(p.changes(), p.prepared(), p.failure() != null ? p.failure() : walkFailure, true);
            }));
        } catch (Stopped | RejectedExecutionException e) {
            // the caller gave up
        }
    }

    private static <T> Prepared<T> prepare(List<Change> changes, Function<Change, T> ahead) {
        List<T> prepared = new ArrayList<>(changes.size());
        try {
            for (Change c : changes) prepared.add(ahead.apply(c));
        } catch (Throwable t) {
            return new Prepared<>(changes, prepared, t, false);
        }
        return new Prepared<>(changes, prepared, null, false);
    }

    private static void rethrow(Throwable t) {
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

    /**
     * Queues a batch's reading, then starts it: a batch is read only once it has its place in the
     * queue, so no more than {@value #QUEUED} are read ahead of the caller.
     */
    private static <T> void hand(BlockingQueue<Future<Prepared<T>>> queue, ExecutorService readers, FutureTask<Prepared<T>> batch) {
        try {
            queue.put(batch);
        } catch (InterruptedException e) {
            throw new Stopped();
        }
        readers.execute(batch);
    }

    private static <T> Prepared<T> take(BlockingQueue<Future<Prepared<T>>> queue) {
        try {
            return queue.take().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while walking the changes", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause()); // prepare catches all: not reached
        }
    }

    private static ThreadFactory daemons(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
