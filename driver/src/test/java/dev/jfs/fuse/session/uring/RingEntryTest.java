package dev.jfs.fuse.session.uring;

import static org.junit.jupiter.api.Assertions.*;

import dev.jfs.fuse.protocol.Opcode;
import dev.jfs.fuse.protocol.Reply;
import dev.jfs.fuse.protocol.Request;
import java.nio.charset.StandardCharsets;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import org.junit.jupiter.api.Test;

/** A ring entry's buffers, filled as the kernel fills them, read as a /dev/fuse request; the answer where the kernel reads it. */
class RingEntryTest {
    private final Runtime runtime = Runtime.getSystemRuntime();
    private final RingEntry entry = new RingEntry(runtime, 1 << 16);
    private final Pointer into = Memory.allocateDirect(runtime, 1 << 17, true);
    private final Pointer payload = Pointer.wrap(runtime, entry.iovecs.getLong(16));

    /** MKNOD as the kernel writes it: fuse_mknod_in (16 bytes) in op_in, the name in the payload. */
    private void kernelWritesMknod(long unique, String name) {
        byte[] n = (name + "\0").getBytes(StandardCharsets.UTF_8);
        entry.headers.putInt(0, Request.HEADER + 16 + n.length);
        entry.headers.putInt(4, Opcode.MKNOD);
        entry.headers.putLong(8, unique);
        entry.headers.putLong(16, 1);
        entry.headers.putInt(128, 0100644);
        entry.headers.putInt(132, 0);
        entry.headers.putInt(136, 022);
        payload.put(0, n, 0, n.length);
        entry.headers.putLong(256 + 8, unique);
        entry.headers.putInt(256 + 16, n.length);
    }

    @Test
    void theRequestReadsAsIfFromTheDevice() {
        kernelWritesMknod(77, "fifo");
        int length = entry.requestInto(into, 1 << 17);
        Request q = new Request(into);
        q.received(length);
        assertTrue(q.complete());
        assertEquals(Opcode.MKNOD, q.opcode());
        assertEquals(77, q.unique());
        assertEquals(77, entry.commitId);
        assertEquals(0100644, q.u32(0), "the fixed struct, from op_in");
        assertEquals(022, q.u32(8));
        assertEquals("fifo", q.name(16), "the name, from the payload");
    }

    @Test
    void sizesThatDoNotAddUpAreRefused() {
        kernelWritesMknod(78, "x");
        entry.headers.putInt(256 + 16, 4096); // more payload than the request's length leaves
        assertEquals(-1, entry.requestInto(into, 1 << 17));
        kernelWritesMknod(79, "x");
        entry.headers.putInt(0, Request.HEADER + 200 + 2); // a fixed struct larger than op_in
        assertEquals(-1, entry.requestInto(into, 1 << 17));
    }

    @Test
    void theAnswerLandsInThePayloadAndItsHeaderInInOut() {
        kernelWritesMknod(80, "f");
        entry.requestInto(into, 1 << 17);
        Reply r = entry.reply;
        r.reset();
        r.u64(0x1122334455667788L).u32(7);
        entry.answered(r.seal(entry.commitId));
        assertEquals(Reply.HEADER + 12, entry.headers.getInt(0), "out header: length");
        assertEquals(0, entry.headers.getInt(4), "error");
        assertEquals(80, entry.headers.getLong(8), "unique");
        assertEquals(12, entry.headers.getInt(256 + 16), "payload_sz: the body");
        assertEquals(0x1122334455667788L, payload.getLong(0), "the body at the payload's start");
        assertEquals(7, payload.getInt(8));
    }
}
