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

    @BeforeEach
    void open() {
        pipe = Posix.pipe();
        device = new PolledDevice(pipe[0], SPIN, runtime);
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
        assertTrue(device.asksFirst(), "a new thread asks first");
        send(1);
        assertEquals(1, next());
        assertTrue(device.asksFirst(), "the request was there at once");

        sendLater(2, LONG_WAIT_MILLIS);
        assertEquals(2, next());
        assertFalse(device.asksFirst(), "the request took 300 ms to come: sleep at once next time");

        sendLater(3, LONG_WAIT_MILLIS);
        assertEquals(3, next()); // asleep in poll, woken by the request
        assertFalse(device.asksFirst());

        send(4);
        assertEquals(4, next());
        assertTrue(device.asksFirst(), "back to back again: ask first");
    }
}
