package dev.jfs.fuse.session;

import static org.junit.jupiter.api.Assertions.*;

import dev.jfs.posix.Posix;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The request thread that asks before it sleeps, on a pipe standing in for /dev/fuse: it asks
 * after a request that came at once, sleeps at once after one that was long in coming, and
 * gets every request either way.
 */
class PolledDeviceTest {
    /**
     * 20 ms, not the mount's 50 us: a request already in the pipe must count as "at once" even
     * on a loaded CI machine, where one read through JNI can take longer than 50 us. The waits
     * below are 15 times as long, so neither side is a matter of timing.
     */
    static final long SPIN = 20_000_000;
    static final long LONG_WAIT_MILLIS = 300;
    final Runtime runtime = Runtime.getSystemRuntime();
    final Pointer buf = Memory.allocateDirect(runtime, 64);
    int[] pipe;
    PolledDevice device;
    /** Runnable threads on the pretended machine of 2 CPUs. */
    int runnable = 1;

    @BeforeEach
    void open() {
        pipe = Posix.pipe();
        device = new PolledDevice(pipe[0], SPIN, runtime, new CpuCrowding(() -> runnable, 2));
    }

    @AfterEach
    void close() {
        Posix.close(pipe[0]);
        Posix.close(pipe[1]);
    }

    void send(int b) {
        Pointer one = Memory.allocateDirect(runtime, 1);
        one.putByte(0, (byte) b);
        Posix.write(pipe[1], one, 1);
    }

    void sendLater(int b, long millis) {
        Thread t = new Thread(() -> {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                return;
            }
            send(b);
        });
        t.setDaemon(true);
        t.start();
    }

    int next() {
        assertEquals(1, device.next(buf, 64));
        return buf.getByte(0);
    }

    @Test
    void asksWhileRequestsComeBackToBackAndSleepsAtOnceAfterALongWait() {
        assertTrue(device.asksFirst(System.nanoTime()), "a new thread asks first");
        send(1);
        assertEquals(1, next());
        assertTrue(device.asksFirst(System.nanoTime()), "the request was there at once");

        sendLater(2, LONG_WAIT_MILLIS);
        assertEquals(2, next());
        assertFalse(device.asksFirst(System.nanoTime()), "the request took 300 ms to come: sleep at once next time");

        sendLater(3, LONG_WAIT_MILLIS);
        assertEquals(3, next()); // asleep in poll, woken by the request
        assertFalse(device.asksFirst(System.nanoTime()));

        send(4);
        assertEquals(4, next());
        assertTrue(device.asksFirst(System.nanoTime()), "back to back again: ask first");
    }

    @Test
    void sleepsAtOnceWhileTheMachineHasMoreRunnableThreadsThanCpus() {
        send(1);
        assertEquals(1, next());
        assertTrue(device.asksFirst(System.nanoTime()));

        runnable = 6;
        long now = System.nanoTime();
        for (int i = 1; i <= 8; i++) device.asksFirst(now + i * CpuCrowding.SAMPLE_NANOS);
        assertFalse(device.asksFirst(now + 9 * CpuCrowding.SAMPLE_NANOS), "every CPU busy: no asking");
        send(2);
        assertEquals(2, next(), "a crowded machine still gets its requests");

        runnable = 1;
        for (int i = 10; i <= 30; i++) device.asksFirst(now + i * CpuCrowding.SAMPLE_NANOS);
        assertTrue(device.asksFirst(now + 31 * CpuCrowding.SAMPLE_NANOS), "a CPU idle again: ask first");
    }
}
