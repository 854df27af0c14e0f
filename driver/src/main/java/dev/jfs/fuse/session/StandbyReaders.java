package dev.jfs.fuse.session;

import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Keeps the loop's other threads off the FUSE device while the polling thread keeps up, and
 * lets them read once it is stuck on one request.
 *
 * <p>Why: a thread asleep in read(2) on the device is woken for every request the kernel
 * queues, even when the polling thread, asking without sleeping, takes the request first; the
 * woken thread finds nothing and sleeps again. On a 2-core virtual machine those wake-ups cost
 * more than the requests: one thread alone created 10k files in 2.4 s against 3.0 s with three
 * more asleep on the device, and served 38k O_DIRECT reads a second against 28k ({@code -o
 * threads=1} against the default of 4, 2026-12-02). One thread alone, though, would make every
 * request wait behind a slow one (an fsync, a read from a cold disk). So the other threads stand by, parked where no request wakes them, and a watchdog
 * releases one whenever the polling thread has been on one request for {@link #STUCK_NANOS}
 * with no released thread free to read. A released thread reads from the device as before and
 * goes back to standby after a request it finds the polling thread free again.
 *
 * <p>The watchdog checks every {@link #STUCK_NANOS} (1 ms: 1000 wake-ups a second, against one
 * for every request) while requests come, and parks once the polling thread has been free for
 * {@link #IDLE_NANOS} without a request, until its next one.
 */
final class StandbyReaders {
    /** How long the polling thread may be on one request before a helper may read. */
    static final long STUCK_NANOS = 1_000_000;
    /** The polling thread free and without a request this long: the watchdog stops checking. */
    static final long IDLE_NANOS = 1_000_000_000L;

    private final int helpers;
    private final long stuckNanos;
    /** When the polling thread took the request it is on; 0 while it is between requests. */
    private volatile long busySince;
    private volatile long lastRequest = System.nanoTime();
    /** Helpers let read, and of those, the ones not on a request (reading, or about to). */
    private final AtomicInteger released = new AtomicInteger();
    private final AtomicInteger free = new AtomicInteger();
    private final Semaphore turns = new Semaphore(0);
    private final Thread watchdog;
    private volatile boolean watchdogParked;
    private volatile boolean closed;
    private volatile boolean atWill;

    /** @param helpers the threads besides the polling one */
    StandbyReaders(int helpers) {
        this(helpers, STUCK_NANOS);
    }

    /** With another stuck time: tests that must not depend on how the machine schedules them. */
    StandbyReaders(int helpers, long stuckNanos) {
        this.helpers = helpers;
        this.stuckNanos = stuckNanos;
        this.watchdog = new Thread(this::watch, "fuse-watchdog");
        watchdog.setDaemon(true);
    }

    void start() {
        watchdog.start();
    }

    // ---- the polling thread

    /** The polling thread took a request. */
    void pollerTook() {
        long now = System.nanoTime();
        lastRequest = now;
        busySince = now;
        if (watchdogParked) LockSupport.unpark(watchdog);
    }

    /** The polling thread answered its request. */
    void pollerDone() {
        busySince = 0;
    }

    // ---- the helpers

    /** Parks until the watchdog lets this helper read; false once the loop is closing. */
    boolean awaitTurn() {
        if (atWill) return !closed;
        turns.acquireUninterruptibly();
        return !closed;
    }

    /**
     * There is no polling thread after all (the kernel refused to clone the device): the helpers
     * read at will, as they did before standby existed.
     */
    void noPoller() {
        atWill = true;
        turns.release(helpers + 1);
    }

    /** A released helper got a request to answer. */
    void helperTook() {
        free.decrementAndGet();
    }

    /**
     * A released helper answered its request: true to read the next one (the polling thread is
     * still stuck), false to go back to standby.
     */
    boolean helperGoesOn() {
        if (atWill) return !closed;
        if (!closed && busySince != 0) {
            free.incrementAndGet();
            return true;
        }
        released.decrementAndGet();
        return false;
    }

    /** A released helper leaves while free (the device is gone). */
    void helperLeft() {
        free.decrementAndGet();
        released.decrementAndGet();
    }

    /** The loop is ending: every parked helper and the watchdog return. */
    void close() {
        closed = true;
        turns.release(helpers + 1);
        LockSupport.unpark(watchdog);
    }

    // ---- the watchdog

    private void watch() {
        while (!closed) {
            if (idle()) {
                watchdogParked = true;
                // checked again after saying so: a request taken in between unparks us
                if (idle() && !closed) LockSupport.park(this);
                watchdogParked = false;
                continue;
            }
            LockSupport.parkNanos(this, stuckNanos);
            releaseIfStuck(System.nanoTime());
        }
    }

    /**
     * Nothing to watch: the polling thread is between requests and has had none for a while. (A
     * polling thread stuck that long is watched on: its released helpers may get stuck too.)
     */
    private boolean idle() {
        return busySince == 0 && System.nanoTime() - lastRequest > IDLE_NANOS;
    }

    /** Lets one more helper read if the polling thread is stuck and no released helper is free. */
    void releaseIfStuck(long now) {
        long since = busySince;
        if (since == 0 || now - since < stuckNanos || free.get() > 0) return;
        if (released.get() >= helpers) return;
        released.incrementAndGet();
        free.incrementAndGet();
        turns.release();
    }

    /** Helpers let read now (for tests). */
    int released() {
        return released.get();
    }
}
