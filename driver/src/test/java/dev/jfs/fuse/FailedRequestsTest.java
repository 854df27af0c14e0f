package dev.jfs.fuse;

import static dev.jfs.fuse.FuseProtocol.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.jfs.posix.Errno;
import dev.jfs.posix.Posix;
import java.util.logging.Level;
import java.util.logging.Logger;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A request whose answering threw is answered EIO, on a pipe standing in for /dev/fuse. */
class FailedRequestsTest {
    final Runtime runtime = Runtime.getSystemRuntime();
    final Pointer request = Memory.allocateDirect(runtime, IN_HEADER, true);
    final Pointer scratch = Memory.allocateDirect(runtime, 64, true);
    final Pointer answer = Memory.allocateDirect(runtime, 64, true);
    final Logger log = Logger.getLogger(FailedRequests.class.getName());
    Level level;
    int[] pipe;

    @BeforeEach
    void open() {
        pipe = Posix.pipe();
        level = log.getLevel();
        log.setLevel(Level.OFF); // the failures below are meant
    }

    @AfterEach
    void close() {
        log.setLevel(level);
        Posix.close(pipe[0]);
        Posix.close(pipe[1]);
    }

    private void request(int opcode, long unique) {
        request.putInt(IN_LEN, IN_HEADER);
        request.putInt(IN_OPCODE, opcode);
        request.putLong(IN_UNIQUE, unique);
    }

    @Test
    void aReadWhoseAnsweringThrewIsAnsweredEio() {
        request(FUSE_READ, 0x1234_5678_9aL);
        FailedRequests.answer(pipe[1], request, scratch, new NoClassDefFoundError("gone"));
        assertEquals(OUT_HEADER, Posix.readIfReady(pipe[0], answer, 64), "one answer header, nothing more");
        assertEquals(OUT_HEADER, answer.getInt(OUT_LEN));
        assertEquals(-Errno.EIO, answer.getInt(OUT_ERROR));
        assertEquals(0x1234_5678_9aL, answer.getLong(OUT_UNIQUE), "the answer names the request that failed");
    }

    @Test
    void forgetsGetNoAnswer() {
        request(FUSE_FORGET, 7);
        FailedRequests.answer(pipe[1], request, scratch, new IllegalStateException("bug"));
        request(FUSE_BATCH_FORGET, 8);
        FailedRequests.answer(pipe[1], request, scratch, new IllegalStateException("bug"));
        assertEquals(-1, Posix.readIfReady(pipe[0], answer, 64), "the kernel waits for no answer to a FORGET");
    }
}
