package dev.jfs.fuse;

import static dev.jfs.fuse.FuseProtocol.*;

import java.util.Arrays;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

/**
 * READDIRPLUS (names with their attributes, so a stat of each costs the kernel no round trip),
 * served with libfuse2, which knows only READDIR and LOOKUP. The request is given to libfuse as
 * a READDIR; then, in this process, a LOOKUP of each name in it ({@link NameLookups}); the
 * answers are joined into fuse_direntplus records, as many as fit the kernel's buffer, and sent.
 * The kernel counts each record with a node id as one lookup of that node, and libfuse counted
 * our LOOKUP just the same, so their FORGETs still balance. The offsets are libfuse's own READDIR
 * offsets, so the kernel resumes where the records it took end. One per request loop thread.
 */
final class ReaddirPlus {
    // struct fuse_in_header (40 bytes: len, opcode, unique, nodeid, uid, gid, pid), then
    // struct fuse_read_in (fh, offset, size at 16, ...)
    private static final int READ_IN_FH = IN_FH, READ_IN_OFFSET = IN_HEADER + 8, READ_IN_SIZE = IN_HEADER + 16;
    // struct fuse_out_header: len 0, error 4, unique 8 (16 bytes)
    // struct fuse_dirent: ino 0, off 8, namelen 16, type 20, name 24
    private static final int DIRENT_OFF = 8, DIRENT_NAME = 24, DIRENT_NAMELEN = 16;
    private static final int ENTRY_OUT = NameLookups.ENTRY_OUT;
    /** READDIR answers must fit the capture pipe. */
    private static final int READDIR_SIZE = 32 << 10;
    private static final int MAX_NAMES = READDIR_SIZE / DIRENT_NAME;

    private final CaptureChannel capture;
    private final NameLookups lookups;
    private final ListedDirectories listed;
    private final int deviceFd;
    private final Pointer reply;
    private final byte[] dirents = new byte[READDIR_SIZE + OUT_HEADER];
    private final byte[] header = new byte[IN_HEADER];
    private final int[] direntAt = new int[MAX_NAMES], nameAt = new int[MAX_NAMES], nameLength = new int[MAX_NAMES];
    private final byte[] entries = new byte[MAX_NAMES * ENTRY_OUT];
    private final byte[] record = new byte[ENTRY_OUT + DIRENT_NAME + NameLookups.NAME_MAX + 8];

    ReaddirPlus(Runtime runtime, CaptureChannel capture, NameLookups lookups, ListedDirectories listed, int deviceFd) {
        this.capture = capture;
        this.lookups = lookups;
        this.listed = listed;
        this.deviceFd = deviceFd;
        this.reply = Memory.allocateDirect(runtime, OUT_HEADER + InitReply.MAX_IO, true);
    }

    /**
     * Answers the READDIRPLUS request in {@code request} to the kernel. Returns the offset the
     * next chunk of this listing starts at, or -1 if this chunk was empty (the listing is over)
     * or an error.
     */
    long answer(Pointer request, int length) {
        int size = Math.min(request.getInt(READ_IN_SIZE), InitReply.MAX_IO);
        boolean lookUp = listed.lookUp(request.getLong(IN_NODEID), request.getLong(READ_IN_FH), request.getLong(READ_IN_OFFSET));
        request.get(0, header, 0, IN_HEADER);
        request.putInt(IN_OPCODE, FUSE_READDIR);
        request.putInt(READ_IN_SIZE, Math.min(size, READDIR_SIZE));
        int got = capture.process(request, length);
        if (got < OUT_HEADER) return -1; // libfuse answered nothing: nor do we (the kernel sees the mount fail)
        Pointer answer = capture.answer();
        if (answer.getInt(OUT_ERROR) != 0) {
            send(answer, got); // the error, as libfuse gave it
            return -1;
        }
        answer.get(0, dirents, 0, got);

        // The records that fit the kernel's buffer; the kernel asks again from the next offset.
        int count = 0, out = OUT_HEADER;
        for (int at = OUT_HEADER; at + DIRENT_NAME <= got && count < MAX_NAMES; ) {
            int length1 = intAt(dirents, at + DIRENT_NAMELEN);
            int plusSize = align8(ENTRY_OUT + DIRENT_NAME + length1);
            if (out + plusSize > OUT_HEADER + size) break;
            direntAt[count] = at;
            nameAt[count] = at + DIRENT_NAME;
            nameLength[count] = length1;
            count++;
            out += plusSize;
            at += align8(DIRENT_NAME + length1);
        }
        if (lookUp) {
            lookups.lookUp(header, dirents, nameAt, nameLength, count, entries);
        } else {
            Arrays.fill(entries, 0, count * ENTRY_OUT, (byte) 0); // node id 0: the kernel keeps what it has
        }

        out = OUT_HEADER;
        for (int i = 0; i < count; i++) {
            int direntSize = align8(DIRENT_NAME + nameLength[i]);
            int plusSize = align8(ENTRY_OUT + DIRENT_NAME + nameLength[i]);
            System.arraycopy(entries, i * ENTRY_OUT, record, 0, ENTRY_OUT);
            System.arraycopy(dirents, direntAt[i], record, ENTRY_OUT, direntSize);
            reply.put(out, record, 0, plusSize);
            out += plusSize;
        }
        reply.putInt(OUT_LEN, out);
        reply.putInt(OUT_ERROR, 0);
        reply.putLong(OUT_UNIQUE, request.getLong(IN_UNIQUE));
        send(reply, out);
        return count == 0 ? -1 : longAt(dirents, direntAt[count - 1] + DIRENT_OFF);
    }

    private void send(Pointer buf, int length) {
        CaptureChannel.send(deviceFd, buf, length); // false: the kernel gave up on it; nothing to do
    }

    private static int align8(int n) {
        return (n + 7) & ~7;
    }

    private static long longAt(byte[] b, int at) {
        return (intAt(b, at) & 0xffffffffL) | (long) intAt(b, at + 4) << 32;
    }

    private static int intAt(byte[] b, int at) {
        return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8 | (b[at + 2] & 0xff) << 16 | (b[at + 3] & 0xff) << 24;
    }
}
