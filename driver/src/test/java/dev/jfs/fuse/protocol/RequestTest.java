package dev.jfs.fuse.protocol;

import static org.junit.jupiter.api.Assertions.*;

import dev.jfs.posix.Errno;
import dev.jfs.posix.FsException;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import org.junit.jupiter.api.Test;

class RequestTest {
    private final Pointer buf = Memory.allocateDirect(Runtime.getSystemRuntime(), 512, true);

    private Request request(int opcode, byte[] body) {
        buf.putInt(0, Request.HEADER + body.length);
        buf.putInt(4, opcode);
        buf.putLong(16, 7);
        buf.put(Request.HEADER, body, 0, body.length);
        Request q = new Request(buf);
        q.received(Request.HEADER + body.length);
        return q;
    }

    @Test
    void namesAreReadAsTheirBytesOneAfterAnother() {
        Request q = request(Opcode.SYMLINK, new byte[] {'a', (byte) 0xff, 0, 't', 0});
        assertTrue(q.complete());
        assertEquals(7, q.nodeId());
        assertEquals("a\udcff", q.name(0));
        assertEquals("t", q.name(q.after(0)));
    }

    @Test
    void aBodyTooShortOrANameWithoutItsNulIsRefusedWithEinval() {
        Request q = request(Opcode.MKDIR, new byte[] {1, 0, 0});
        assertEquals(Errno.EINVAL, assertThrows(FsException.class, () -> q.u32(0)).errno());
        Request unterminated = request(Opcode.LOOKUP, new byte[] {'a', 'b'});
        assertEquals(Errno.EINVAL, assertThrows(FsException.class, () -> unterminated.name(0)).errno());
    }

    @Test
    void aLengthThatDisagreesWithTheHeaderIsIncomplete() {
        Request q = request(Opcode.GETATTR, new byte[16]);
        q.received(Request.HEADER + 8);
        assertFalse(q.complete());
    }
}
