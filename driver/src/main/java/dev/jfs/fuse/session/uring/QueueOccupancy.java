package dev.jfs.fuse.session.uring;

import java.util.function.IntConsumer;

/**
 * How many threads each queue has and how many of them are free to take a request; a queue whose
 * threads are all busy gets one more, up to a limit. The kernel queues a request on the queue of
 * the CPU its program runs on and never moves it: without a free thread there, it waits however
 * idle the other queues are.
 */
final class QueueOccupancy implements RingQueue.Occupancy {
    private final int[] started, free;
    private final int mostPerQueue;
    private final IntConsumer startAnother;

    /** {@code startAnother} starts a thread for the queue it is given, counted as started and free. */
    QueueOccupancy(int queues, int mostPerQueue, IntConsumer startAnother) {
        this.started = new int[queues];
        this.free = new int[queues];
        this.mostPerQueue = mostPerQueue;
        this.startAnother = startAnother;
    }

    /** A thread of queue {@code qid} was started. */
    synchronized void started(int qid) {
        started[qid]++;
        free[qid]++;
    }

    /** A thread counted by {@link #busy} as started never came to serve the queue. */
    synchronized void neverStarted(int qid) {
        started[qid]--;
        free[qid]--;
    }

    @Override
    public void busy(int qid) {
        boolean another;
        synchronized (this) {
            free[qid]--;
            another = free[qid] <= 0 && started[qid] < mostPerQueue;
            if (another) started(qid);
        }
        if (another) startAnother.accept(qid);
    }

    @Override
    public synchronized void free(int qid) {
        free[qid]++;
    }
}
