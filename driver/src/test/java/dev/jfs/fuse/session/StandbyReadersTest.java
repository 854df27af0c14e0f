package dev.jfs.fuse.session;

import static org.junit.jupiter.api.Assertions.*;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The standby of the loop's other threads, without FUSE: they stay parked while the polling
 * thread keeps up, one is let read once it is stuck, more only while every released one is busy,
 * and they go back to standby once it is free again.
 */
class StandbyReadersTest {
    static final long STUCK = StandbyReaders.STUCK_NANOS;

    /** A helper thread: completes with true once let read, false if told the loop is over. */
    static CompletableFuture<Boolean> helperWaiting(StandbyReaders r) {
        CompletableFuture<Boolean> turn = new CompletableFuture<>();
        Thread t = new Thread(() -> turn.complete(r.awaitTurn()));
        t.setDaemon(true);
        t.start();
        return turn;
    }

    @Test
    void helpersStayParkedWhileThePollingThreadKeepsUp() throws Exception {
        // Stuck after 100 ms, not 1 ms: a loaded machine may stop this thread for a millisecond
        // between two calls, never for 100.
        StandbyReaders r = new StandbyReaders(3, 100_000_000L);
        r.start();
        CompletableFuture<Boolean> turn = helperWaiting(r);
        long end = System.nanoTime() + 1_000_000_000L; // 10 watchdog checks
        while (System.nanoTime() < end) {
            r.pollerTook();
            r.pollerDone();
        }
        Thread.sleep(20);
        assertFalse(turn.isDone(), "no helper let read");
        assertEquals(0, r.released());
        r.close();
        assertFalse(turn.get(5, TimeUnit.SECONDS), "closing returns the parked helper");
    }

    @Test
    void theWatchdogLetsAHelperReadOnceThePollingThreadIsStuck() throws Exception {
        StandbyReaders r = new StandbyReaders(3);
        r.start();
        CompletableFuture<Boolean> turn = helperWaiting(r);
        r.pollerTook(); // and stays on it
        assertTrue(turn.get(5, TimeUnit.SECONDS), "a helper let read");
        assertEquals(1, r.released());
        Thread.sleep(50);
        assertEquals(1, r.released(), "one is enough while it is free to read");

        r.helperTook();
        r.pollerDone();
        assertFalse(r.helperGoesOn(), "the polling thread is free: back to standby");
        assertEquals(0, r.released());
        r.close();
    }

    @Test
    void theWatchdogKeepsWatchingWhileThePollingThreadStaysStuckPastTheIdleTime() throws Exception {
        StandbyReaders r = new StandbyReaders(2);
        r.start();
        CompletableFuture<Boolean> first = helperWaiting(r);
        r.pollerTook(); // stuck for good
        assertTrue(first.get(5, TimeUnit.SECONDS));
        Thread.sleep(StandbyReaders.IDLE_NANOS / 1_000_000 + 300); // no request from the polling thread since
        r.helperTook(); // the released helper gets stuck too
        CompletableFuture<Boolean> second = helperWaiting(r);
        assertTrue(second.get(5, TimeUnit.SECONDS), "a second helper let read");
        assertEquals(2, r.released());
        r.close();
    }

    @Test
    void moreHelpersOnlyWhileEveryReleasedOneIsBusyAndNoMoreThanThereAre() {
        StandbyReaders r = new StandbyReaders(2); // watchdog not started: the test ticks it
        r.pollerTook();
        long now = System.nanoTime();
        r.releaseIfStuck(now + STUCK / 2);
        assertEquals(0, r.released(), "not stuck yet");
        r.releaseIfStuck(now + STUCK);
        assertEquals(1, r.released());
        r.releaseIfStuck(now + 2 * STUCK);
        assertEquals(1, r.released(), "the released one is free to read");

        assertTrue(r.awaitTurn());
        r.helperTook(); // busy with a request of its own
        r.releaseIfStuck(now + 3 * STUCK);
        assertEquals(2, r.released(), "all released ones busy: one more");
        assertTrue(r.awaitTurn());
        r.helperTook();
        r.releaseIfStuck(now + 4 * STUCK);
        assertEquals(2, r.released(), "no more than the helpers there are");

        assertTrue(r.helperGoesOn(), "the polling thread is still stuck: read the next one");
        r.pollerDone();
        r.helperTook();
        assertFalse(r.helperGoesOn());
        assertFalse(r.helperGoesOn());
        assertEquals(0, r.released());
    }

    @Test
    void withoutAPollingThreadHelpersReadAtWill() throws Exception {
        StandbyReaders r = new StandbyReaders(2);
        CompletableFuture<Boolean> turn = helperWaiting(r);
        r.noPoller();
        assertTrue(turn.get(5, TimeUnit.SECONDS));
        assertTrue(r.awaitTurn(), "at once, without a turn");
        assertTrue(r.helperGoesOn(), "and on");
        r.close();
        assertFalse(r.awaitTurn());
    }
}
