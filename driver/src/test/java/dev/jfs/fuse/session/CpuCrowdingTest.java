package dev.jfs.fuse.session;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CpuCrowdingTest {
    int runnable;
    int reads;
    final CpuCrowding crowding = new CpuCrowding(() -> {
        reads++;
        return runnable;
    }, 2);

    static int parse(String line) {
        byte[] b = line.getBytes(StandardCharsets.US_ASCII);
        return CpuCrowding.runnableOf(b, b.length);
    }

    @Test
    void readsTheRunQueueFromLoadavg() {
        assertEquals(3, parse("0.52 0.58 0.59 3/412 9981\n"));
        assertEquals(117, parse("12.00 8.10 4.00 117/2048 1\n"));
        assertEquals(-1, parse("0.52 0.58 0.59"), "no fourth field");
        assertEquals(-1, parse("0.52 0.58 0.59 x/412 9981"));
    }

    @Test
    void theRealFileGivesACount() {
        int n = CpuCrowding.ofThisMachine().crowded(System.nanoTime()) ? 1 : 0; // reads once
        assertTrue(n >= 0);
        assertTrue(new java.io.File("/proc/loadavg").canRead(), "this test runs on Linux");
    }

    @Test
    void crowdedOnlyWhileMoreThreadsRunThanCpusOverSeveralSamples() {
        long t = 0;
        runnable = 2; // the asking thread and the program it serves: a CPU each
        for (int i = 0; i < 20; i++) assertFalse(crowding.crowded(t += CpuCrowding.SAMPLE_NANOS));
        runnable = 5;
        assertFalse(crowding.crowded(t += CpuCrowding.SAMPLE_NANOS), "one busy sample is not enough");
        for (int i = 0; i < 5; i++) crowding.crowded(t += CpuCrowding.SAMPLE_NANOS);
        assertTrue(crowding.crowded(t += CpuCrowding.SAMPLE_NANOS));
        runnable = 1;
        for (int i = 0; i < 10; i++) crowding.crowded(t += CpuCrowding.SAMPLE_NANOS);
        assertFalse(crowding.crowded(t += CpuCrowding.SAMPLE_NANOS));
    }

    @Test
    void readsAtMostOncePerSampleTime() {
        long t = 1_000_000_000L;
        crowding.crowded(t);
        int before = reads;
        for (int i = 0; i < 1000; i++) crowding.crowded(t + i * 1000L);
        assertEquals(before, reads, "1000 calls within one sample time read nothing more");
        crowding.crowded(t + CpuCrowding.SAMPLE_NANOS);
        assertEquals(before + 1, reads);
    }

    @Test
    void anUnreadableRunQueueNeverCrowds() {
        runnable = -1;
        long t = 0;
        for (int i = 0; i < 20; i++) assertFalse(crowding.crowded(t += CpuCrowding.SAMPLE_NANOS));
    }
}
