package dev.jfs.changes;

import static dev.jfs.union.Layers.file;
import static org.junit.jupiter.api.Assertions.*;

import dev.jfs.union.LayerStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The walk and its readers on threads of their own give the caller what the plain walk gives, in order, and fail alike. */
class WalkAheadTest {
    @TempDir Path tmp;
    StackViews views;

    @BeforeEach
    void stack() throws Exception {
        Path lower = Files.createDirectories(tmp.resolve("lower"));
        Path upper = Files.createDirectories(tmp.resolve("upper"));
        file(lower, "keep/x", "x");
        // More changes than the queue holds at once, so that the walk must wait for the caller.
        int n = WalkAhead.BATCH * (WalkAhead.QUEUED + 3) + 7;
        for (int i = 0; i < n; i++) file(upper, "d" + (i % 13) + "/f" + i, "data " + i);
        views = StackViews.open(new LayerStack(List.of(lower), upper, tmp.resolve("work")));
    }

    @Test
    void theCallerHearsEveryChangeInTheWalksOrderWithWhatWasDoneAhead() {
        List<Change> plain = new ArrayList<>();
        ChangeWalker.walk(views, plain::add);
        List<Change> ahead = new ArrayList<>();
        WalkAhead.walk(views, c -> c.path() + "!" + Thread.currentThread().getName(), (c, prepared) -> {
            assertTrue(prepared.startsWith(c.path() + "!jfs-read-ahead-"),
                    "the result of ahead comes with its own change, made on a reader thread: " + prepared);
            assertNotEquals("jfs-walk", Thread.currentThread().getName(), "out runs on the caller's thread");
            ahead.add(c);
        });
        assertTrue(plain.size() > WalkAhead.BATCH * WalkAhead.QUEUED, plain.size() + " changes");
        assertEquals(plain.size(), ahead.size(), "changes heard");
        for (int i = 0; i < plain.size(); i++) {
            assertEquals(plain.get(i).kind() + " " + plain.get(i).path(), ahead.get(i).kind() + " " + ahead.get(i).path(),
                    "change " + i);
        }
    }

    @Test
    void aFailureOfTheWalkReachesTheCallerAfterTheChangesBeforeIt() {
        List<Change> plain = new ArrayList<>();
        ChangeWalker.walk(views, plain::add);
        String failing = plain.get(499).path(); // readers run in parallel: fail at a change, not at a count
        List<String> heard = new ArrayList<>();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> WalkAhead.walk(views, c -> {
            if (c.path().equals(failing)) throw new IllegalStateException("disk gone");
            return c;
        }, (c, prepared) -> heard.add(c.path())));
        assertEquals("disk gone", e.getMessage());
        assertEquals(plain.subList(0, 499).stream().map(Change::path).toList(), heard,
                "every change before the failure was handed on, and none after");
    }

    @Test
    void aFailureOfTheCallerStopsTheWalk() throws Exception {
        AtomicInteger made = new AtomicInteger();
        assertThrows(UnsupportedOperationException.class, () -> WalkAhead.walk(views, c -> made.incrementAndGet(),
                (c, prepared) -> {
                    throw new UnsupportedOperationException("disk full");
                }));
        Thread.sleep(200);
        int after = made.get();
        Thread.sleep(200);
        assertEquals(after, made.get(), "the walk went on after its caller failed");
        assertTrue(after <= WalkAhead.BATCH * (WalkAhead.QUEUED + 2), "the walk ran " + after + " changes ahead");
        assertTrue(Thread.getAllStackTraces().keySet().stream()
                        .noneMatch(t -> (t.getName().equals("jfs-walk") || t.getName().startsWith("jfs-read-ahead-")) && t.isAlive()),
                "the walk's and the readers' threads ended");
    }
}
