package dev.jfs.fuse;

import dev.jfs.posix.FsException;
import dev.jfs.posix.Posix;
import java.util.Arrays;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

/**
 * READDIRPLUS (names with their attributes, so a stat of each costs the kernel no round trip),
 * served with libfuse2, which knows only READDIR and LOOKUP. The request is given to libfuse as
 * a READDIR; then, in this process, a LOOKUP of each name in it; the answers are joined into
 * fuse_direntplus records, as many as fit the kernel's buffer, and sent. The kernel counts each
 * record with a node id as one lookup of that node, and libfuse counted our LOOKUP just the
 * same, so their FORGETs still balance. "." and ".." get node id 0, which the kernel takes as
 * "no attributes" (it links neither). The offsets are libfuse's own READDIR offsets, so the
 * kernel resumes where the records it took end. One per request loop thread.
 */
final class ReaddirPlus {
    private static final int FUSE_LOOKUP = 1, FUSE_READDIR = 28, FUSE_READDIRPLUS = 44;
    // struct fuse_in_header: len 0, opcode 4, unique 8, nodeid 16, uid 24, gid 28, pid 32 (40 bytes)
    private static final int IN_HEADER = 40, IN_OPCODE = 4;
    // struct fuse_read_in after it: fh, offset, then size at 16
    private static final int READ_IN_SIZE = IN_HEADER + 16;
    // struct fuse_out_header: len 0, error 4, unique 8 (16 bytes)
    private static final int OUT_HEADER = 16, OUT_ERROR = 4;
    // struct fuse_dirent: ino 0, off 8, namelen 16, type 20, name 24
    private static final int DIRENT_NAME = 24, DIRENT_NAMELEN = 16;
    /** struct fuse_entry_out, with struct fuse_attr (protocol 7.9 and later). */
    private static final int ENTRY_OUT = 128;
    /** READDIR answers must fit the capture pipe. */
    private static final int READDIR_SIZE = 32 << 10;
    private static final int NAME_MAX = 255;

    private final CaptureChannel capture;
    private final int deviceFd;
    private final Pointer lookup;
    private final Pointer reply;
    private final byte[] dirents = new byte[READDIR_SIZE + OUT_HEADER];
    private final byte[] entry = new byte[ENTRY_OUT];
    private final byte[] header = new byte[IN_HEADER];
    private final byte[] copy = new byte[ENTRY_OUT + DIRENT_NAME + NAME_MAX + 8];

    ReaddirPlus(Runtime runtime, CaptureChannel capture, int deviceFd) {
        this.capture = capture;
        this.deviceFd = deviceFd;
        this.lookup = Memory.allocateDirect(runtime, IN_HEADER + NAME_MAX + 1, true);
        this.reply = Memory.allocateDirect(runtime, OUT_HEADER + InitReply.MAX_IO, true);
    }

    static boolean isReaddirPlus(Pointer request, int length) {
        return length >= READ_IN_SIZE + 4 && request.getInt(IN_OPCODE) == FUSE_READDIRPLUS;
    }

    /** Answers the READDIRPLUS request in {@code request} to the kernel. */
    void answer(Pointer request, int length) {
        int size = Math.min(request.getInt(READ_IN_SIZE), InitReply.MAX_IO);
        request.putInt(IN_OPCODE, FUSE_READDIR);
        request.putInt(READ_IN_SIZE, Math.min(size, READDIR_SIZE));
        int got = capture.process(request, length);
        if (got < OUT_HEADER) return; // libfuse answered nothing: nor do we (the kernel sees the mount fail)
        Pointer answer = capture.answer();
        if (answer.getInt(OUT_ERROR) != 0) {
            send(answer, got); // the error, as libfuse gave it
            return;
        }
        answer.get(0, dirents, 0, got);
        prepareLookup(request);
        int out = OUT_HEADER;
        for (int at = OUT_HEADER; at + DIRENT_NAME <= got; ) {
            int nameLength = intAt(dirents, at + DIRENT_NAMELEN);
            int direntSize = align8(DIRENT_NAME + nameLength);
            int plusSize = align8(ENTRY_OUT + DIRENT_NAME + nameLength);
            if (out + plusSize > OUT_HEADER + size) break; // the kernel asks again from this entry's offset
            lookUp(at + DIRENT_NAME, nameLength);
            System.arraycopy(entry, 0, copy, 0, ENTRY_OUT);
            System.arraycopy(dirents, at, copy, ENTRY_OUT, direntSize);
            reply.put(out, copy, 0, plusSize);
            out += plusSize;
            at += direntSize;
        }
        reply.putInt(0, out);
        reply.putInt(OUT_ERROR, 0);
        reply.putLong(8, request.getLong(8)); // unique
        send(reply, out);
    }

    /** The header of our LOOKUP requests: the READDIRPLUS request's own (its directory, its caller). */
    private void prepareLookup(Pointer request) {
        request.get(0, header, 0, IN_HEADER);
        lookup.put(0, header, 0, IN_HEADER);
        lookup.putInt(IN_OPCODE, FUSE_LOOKUP);
    }

    /** libfuse's LOOKUP answer for the name at {@code dirents[nameAt]}, into {@link #entry}; zeros (node id 0) if none. */
    private void lookUp(int nameAt, int nameLength) {
        Arrays.fill(entry, (byte) 0);
        if (isDotOrDotDot(nameAt, nameLength) || nameLength > NAME_MAX) return;
        lookup.put(IN_HEADER, dirents, nameAt, nameLength);
        lookup.putByte(IN_HEADER + nameLength, (byte) 0);
        lookup.putInt(0, IN_HEADER + nameLength + 1);
        int got = capture.process(lookup, IN_HEADER + nameLength + 1);
        Pointer answer = capture.answer();
        if (got == OUT_HEADER + ENTRY_OUT && answer.getInt(OUT_ERROR) == 0) answer.get(OUT_HEADER, entry, 0, ENTRY_OUT);
    }

    private boolean isDotOrDotDot(int at, int length) {
        return dirents[at] == '.' && (length == 1 || (length == 2 && dirents[at + 1] == '.'));
    }

    private void send(Pointer buf, int length) {
        try {
            Posix.write(deviceFd, buf, length);
        } catch (FsException e) {
            // ENOENT: the kernel gave up on this request (interrupted); nothing to do
        }
    }

    private static int align8(int n) {
        return (n + 7) & ~7;
    }

    private static int intAt(byte[] b, int at) {
        return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8 | (b[at + 2] & 0xff) << 16 | (b[at + 3] & 0xff) << 24;
    }
}
