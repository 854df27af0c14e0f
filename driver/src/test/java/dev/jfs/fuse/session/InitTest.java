package dev.jfs.fuse.session;

import static org.junit.jupiter.api.Assertions.*;

import dev.jfs.fuse.protocol.InitFlags;
import dev.jfs.fuse.protocol.Opcode;
import dev.jfs.fuse.protocol.Reply;
import dev.jfs.fuse.protocol.Request;
import dev.jfs.posix.Errno;
import dev.jfs.posix.FsException;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import org.junit.jupiter.api.Test;

class InitTest {
    private final Runtime runtime = Runtime.getSystemRuntime();
    private final Pointer in = Memory.allocateDirect(runtime, 4096, true);
    private final Pointer out = Memory.allocateDirect(runtime, 4096, true);
    private final Reply reply = new Reply(out, 4096);

    /** An INIT request as kernel {@code major.minor} sends it, offering {@code flags}. */
    private Request init(int major, int minor, long flags) {
        int body = minor >= 36 ? 64 : 16;
        in.putInt(0, Request.HEADER + body);
        in.putInt(4, Opcode.INIT);
        in.putLong(8, 1);
        in.putInt(Request.HEADER, major);
        in.putInt(Request.HEADER + 4, minor);
        in.putInt(Request.HEADER + 8, 128 * 1024);
        in.putInt(Request.HEADER + 12, (int) flags);
        if (minor >= 36) in.putInt(Request.HEADER + 16, (int) (flags >>> 32));
        Request q = new Request(in);
        q.received(Request.HEADER + body);
        reply.reset();
        return q;
    }

    private int replyInt(int at) {
        return out.getInt(Reply.HEADER + at);
    }

    @Test
    void aNewKernelGetsTheFullReplyWithLargeRequestsAndOnlyTheFlagsItOffered() {
        long offered = InitFlags.DO_READDIRPLUS | InitFlags.MAX_PAGES | InitFlags.PARALLEL_DIROPS | InitFlags.INIT_EXT
                | (1L << 16); // WRITEBACK_CACHE: offered, not taken
        Negotiated n = new Init(false).answer(init(7, 41, offered), reply);
        assertEquals(new Negotiated(40, false), n);
        assertEquals(64, reply.bodyLength());
        assertEquals(7, replyInt(0));
        assertEquals(40, replyInt(4));
        long flags = replyInt(12) & 0xffffffffL;
        assertEquals(InitFlags.DO_READDIRPLUS | InitFlags.MAX_PAGES | InitFlags.PARALLEL_DIROPS, flags);
        assertEquals(Init.MAX_IO, replyInt(20), "max_write");
        assertEquals(Init.MAX_IO / 4096, out.getShort(Reply.HEADER + 28) & 0xffff, "max_pages");
    }

    @Test
    void passthroughIsAskedOnlyWhenWantedAndOffered() {
        long offered = InitFlags.INIT_EXT | InitFlags.PASSTHROUGH;
        assertTrue(new Init(true).answer(init(7, 41, offered), reply).passthrough());
        assertEquals(1 << (37 - 32), replyInt(32), "flags2 carries PASSTHROUGH");
        assertEquals(1, replyInt(36), "max_stack_depth");
        assertFalse(new Init(false).answer(init(7, 41, offered), reply).passthrough());
        assertFalse(new Init(true).answer(init(7, 41, InitFlags.INIT_EXT), reply).passthrough());
    }

    @Test
    void ioUringIsAskedOnlyWhenWantedAndOffered() {
        long offered = InitFlags.INIT_EXT | InitFlags.OVER_IO_URING;
        assertTrue(new Init(false, true).answer(init(7, 44, offered), reply).uring());
        assertEquals(1 << (41 - 32), replyInt(32), "flags2 carries OVER_IO_URING");
        assertTrue((replyInt(12) & InitFlags.INIT_EXT) != 0, "flags has INIT_EXT");
        assertFalse(new Init(false, false).answer(init(7, 44, offered), reply).uring());
        assertEquals(0, replyInt(32), "not asked for");
        assertFalse(new Init(false, true).answer(init(7, 44, InitFlags.INIT_EXT), reply).uring(), "not offered");
    }

    @Test
    void anOlderKernelGetsTheReplyOfItsMinor() {
        Negotiated n = new Init(true).answer(init(7, 22, InitFlags.BIG_WRITES), reply);
        assertEquals(22, n.minor());
        assertFalse(n.passthrough());
        assertEquals(24, reply.bodyLength(), "the 7.13-7.22 fuse_init_out");
    }

    @Test
    void aKernelTooOldIsRefusedAndANewerMajorIsAskedAgain() {
        assertEquals(Errno.EPROTO, assertThrows(FsException.class, () -> new Init(false).answer(init(7, 8, 0), reply)).errno());
        assertNull(new Init(false).answer(init(8, 0, 0), reply));
        assertEquals(7, replyInt(0));
    }
}
