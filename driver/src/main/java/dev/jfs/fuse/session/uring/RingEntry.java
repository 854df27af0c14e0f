package dev.jfs.fuse.session.uring;

import dev.jfs.fuse.protocol.Reply;
import dev.jfs.fuse.protocol.Request;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

/**
 * The buffers of one ring entry, as the kernel fills them (struct fuse_uring_req_header: the
 * 40-byte fuse_in_header in {@code in_out}, the opcode's fixed struct in {@code op_in}, then
 * fuse_uring_ent_in_out; the rest of the request in the payload) and turned into the
 * {@link Request} and {@link Reply} that {@code /dev/fuse} requests use, so the operations are
 * the same.
 *
 * <p>The answer is built in place: the payload buffer has 16 bytes in front of it, where
 * {@link Reply} writes fuse_out_header, so the answer's body (READ data above all) lands where
 * the kernel reads it without a copy; only the header moves into {@code in_out}. The request is
 * copied out instead into one contiguous buffer (header, fixed struct, rest), since the answer
 * overwrites the payload while the request may still be read; request bodies are small but for
 * WRITEs, which passthrough keeps away.
 */
final class RingEntry {
    static final int HEADERS = 288;
    private static final int IN_OUT = 0, OP_IN = 128, ENT_IN_OUT = 256;
    private static final int OP_IN_SIZE = 128;

    final Pointer headers;
    /** payload - 16: the answer's header goes first. */
    private final Pointer answer;
    private final int payloadSize;
    /** struct iovec[2]: headers, payload, for REGISTER. */
    final Pointer iovecs;
    final Reply reply;
    /** The unique id of the request the entry holds: what the commit names. */
    long commitId;

    RingEntry(Runtime runtime, int payloadSize) {
        this.payloadSize = payloadSize;
        headers = Memory.allocateDirect(runtime, HEADERS, true);
        answer = Memory.allocateDirect(runtime, Reply.HEADER + payloadSize, true);
        iovecs = Memory.allocateDirect(runtime, 32, true);
        iovecs.putLong(0, headers.address());
        iovecs.putLong(8, HEADERS);
        iovecs.putLong(16, answer.address() + Reply.HEADER);
        iovecs.putLong(24, payloadSize);
        reply = new Reply(answer, Reply.HEADER + payloadSize);
    }

    /**
     * Copies the request the kernel wrote into {@code into} as it would have come from
     * {@code /dev/fuse}: its length, or -1 if the sizes the kernel wrote do not add up.
     */
    int requestInto(Pointer into, int capacity) {
        int length = headers.getInt(IN_OUT);
        int payloadLength = headers.getInt(ENT_IN_OUT + 16);
        commitId = headers.getLong(ENT_IN_OUT + 8);
        int fixed = length - Request.HEADER - payloadLength;
        if (payloadLength < 0 || payloadLength > payloadSize || fixed < 0 || fixed > OP_IN_SIZE || length > capacity) {
            return -1;
        }
        headers.transferTo(IN_OUT, into, 0, Request.HEADER);
        if (fixed > 0) headers.transferTo(OP_IN, into, Request.HEADER, fixed);
        if (payloadLength > 0) answer.transferTo(Reply.HEADER, into, Request.HEADER + fixed, payloadLength);
        return length;
    }

    /** Moves the sealed answer's header where the kernel reads it, with the body's length. */
    void answered(int length) {
        answer.transferTo(0, headers, IN_OUT, Reply.HEADER);
        headers.putLong(ENT_IN_OUT, 0);
        headers.putInt(ENT_IN_OUT + 16, length - Reply.HEADER);
    }
}
