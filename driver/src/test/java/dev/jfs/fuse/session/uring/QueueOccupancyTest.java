package dev.jfs.fuse.session.uring;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class QueueOccupancyTest {
    final List<Integer> startedAnother = new ArrayList<>();
    final QueueOccupancy occupancy = new QueueOccupancy(2, 4, startedAnother::add);

    @Test
    void aQueueWhoseThreadsAreAllBusyGetsAnotherUpToTheLimit() {
        occupancy.started(0);
        occupancy.started(0);
        occupancy.started(1);
        occupancy.busy(0);
        assertEquals(List.of(), startedAnother, "one thread of queue 0 is still free");
        occupancy.busy(0);
        assertEquals(List.of(0), startedAnother, "both are busy: a third");
        occupancy.busy(0);
        assertEquals(List.of(0, 0), startedAnother, "the third is busy too: a fourth");
        occupancy.busy(0);
        assertEquals(List.of(0, 0), startedAnother, "four is the limit");
    }

    @Test
    void aThreadThatAnswersQuicklyIsFreeAgainAndNoneIsAdded() {
        occupancy.started(1);
        occupancy.started(1);
        for (int i = 0; i < 100; i++) {
            occupancy.busy(1);
            occupancy.free(1);
        }
        assertEquals(List.of(), startedAnother);
    }

    @Test
    void aThreadThatNeverStartedIsReplacedAtTheNextBusyRequest() {
        occupancy.started(0);
        occupancy.busy(0);
        assertEquals(List.of(0), startedAnother);
        occupancy.neverStarted(0);
        occupancy.free(0);
        occupancy.busy(0);
        assertEquals(List.of(0, 0), startedAnother, "its one thread busy again, with none free");
    }
}
