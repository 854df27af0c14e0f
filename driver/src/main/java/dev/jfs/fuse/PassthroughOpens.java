package dev.jfs.fuse;

import static dev.jfs.fuse.FuseProtocol.*;

import dev.jfs.posix.Posix;
import dev.jfs.posix.Stat;
import java.util.List;
import java.util.function.IntPredicate;
import jnr.ffi.Pointer;

/**
 * OPEN and CREATE answered with FUSE passthrough where {@link PassthroughFiles} allows it: libfuse
 * answers into a {@link CaptureChannel} as usual; jfs registers the descriptor libfuse handed out
 * as the open's backing file and adds FOPEN_PASSTHROUGH and its id to the answer (libfuse2
 * knows neither). From then on the kernel reads and writes that file itself: no READ or WRITE
 * round trip, and no GETXATTR of security.capability before each write (the kernel asks the
 * backing filesystem). RELEASE is seen on its way to libfuse, to free the backing file.
 *
 * <p>Needs Linux 6.9 (FUSE_PASSTHROUGH, offered in FUSE_INIT) and CAP_SYS_ADMIN; without them,
 * or with {@code -o nopassthrough}, every open is cached as before.
 */
final class PassthroughOpens {
    /** _IOW(229, 1, struct fuse_backing_map {s32 fd; u32 flags; u64 padding}) and _IOW(229, 2, u32). */
    private static final long BACKING_OPEN = 0x4010E501L, BACKING_CLOSE = 0x4004E502L;
    /** struct fuse_open_out: fh (u64), open_flags (u32), backing_id (s32). */
    private static final int OPEN_OUT = 16, OPEN_FLAGS = 8, BACKING_ID = 12;
    /**
     * The kernel fails a passthrough open that sets any other flag than these (FOPEN_PASSTHROUGH_MASK)
     * with EIO: FOPEN_KEEP_CACHE must go, and may, since a passed-through file has no page cache of its own.
     */
    private static final int FOPEN_DIRECT_IO = 1, FOPEN_PARALLEL_DIRECT_WRITES = 1 << 6, FOPEN_PASSTHROUGH = 1 << 7,
            FOPEN_NOFLUSH = 1 << 5, PASSTHROUGH_MASK = FOPEN_DIRECT_IO | FOPEN_PARALLEL_DIRECT_WRITES | FOPEN_PASSTHROUGH | FOPEN_NOFLUSH;
    /** CREATE answers a struct fuse_entry_out (nodeid first), then the fuse_open_out. */
    private static final int ENTRY_OUT = 128;
    /** struct fuse_release_in: fh, flags, release_flags, lock_owner; struct fuse_forget_in: nlookup. */
    private static final int RELEASE_IN = 24, FORGET_IN = 8;

    private final PassthroughFiles files;
    private final IntPredicate candidate;
    private final Created created;

    /** Told of each CREATE answered with success: the new kernel node and the descriptor libfuse handed out. */
    interface Created {
        void created(long nodeid, int fd);
    }

    /**
     * @param deviceFd the mount's /dev/fuse descriptor, which registers backing files
     * @param candidate whether a descriptor libfuse just handed out may start a passthrough
     *     ({@link JfsFuse#tookPassthroughCandidate}); asked once per descriptor
     */
    PassthroughOpens(int deviceFd, boolean enabled, IntPredicate candidate, Created created) {
        this.candidate = candidate;
        this.created = created;
        this.files = new PassthroughFiles(new PassthroughFiles.Backings() {
            @Override
            public int register(int fd) {
                int[] map = {fd, 0, 0, 0};
                return Posix.ioctl(deviceFd, BACKING_OPEN, map);
            }

            @Override
            public void unregister(int backingId) {
                Posix.ioctl(deviceFd, BACKING_CLOSE, new int[] {backingId});
            }

            @Override
            public Object identity(int fd) {
                Stat st = Posix.fstat(fd);
                return List.of(st.dev(), st.ino());
            }
        }, enabled);
    }

    boolean enabled() {
        return files.enabled();
    }

    /** The kernel does not offer passthrough, or was not asked for it. */
    void disable() {
        files.disable();
    }

    /**
     * Has libfuse answer the OPEN or CREATE request in {@code request} and sends that answer to
     * {@code deviceFd}, passing the file through if it may.
     */
    void answer(CaptureChannel capture, int deviceFd, Pointer request, int length, Pointer scratch) {
        boolean create = request.getInt(IN_OPCODE) == FUSE_CREATE;
        int got = capture.process(request, length);
        if (got < OUT_HEADER) return; // libfuse sent nothing (cannot happen for these requests)
        Pointer reply = capture.answer();
        int openOut = OUT_HEADER + (create ? ENTRY_OUT : 0);
        if (reply.getInt(OUT_ERROR) != 0 || got != openOut + OPEN_OUT) {
            CaptureChannel.send(deviceFd, reply, got);
            return;
        }
        long nodeid = create ? reply.getLong(OUT_HEADER) : request.getLong(IN_NODEID);
        long fh = reply.getLong(openOut);
        int backingId = files.opened(nodeid, (int) fh, candidate.test((int) fh));
        if (backingId > 0) {
            int flags = reply.getInt(openOut + OPEN_FLAGS);
            reply.putInt(openOut + OPEN_FLAGS, flags & PASSTHROUGH_MASK | FOPEN_PASSTHROUGH);
            reply.putInt(openOut + BACKING_ID, backingId);
        }
        // Known before the kernel hears of the node: its first request about it may come at once.
        if (create) created.created(nodeid, (int) fh);
        if (!CaptureChannel.send(deviceFd, reply, got)) cancel(capture, request, nodeid, fh, create, scratch);
    }

    /**
     * The open was interrupted and the kernel dropped our answer: nothing will release this
     * descriptor, so we do, as libfuse does when its own answer to an open is refused.
     */
    private void cancel(CaptureChannel capture, Pointer request, long nodeid, long fh, boolean create, Pointer scratch) {
        request.transferTo(0, scratch, 0, IN_HEADER);
        scratch.putLong(IN_NODEID, nodeid);
        scratch.putInt(IN_OPCODE, FUSE_RELEASE);
        scratch.setMemory(IN_HEADER, RELEASE_IN, (byte) 0);
        scratch.putLong(IN_FH, fh);
        scratch.putInt(IN_LEN, IN_HEADER + RELEASE_IN);
        capture.process(scratch, IN_HEADER + RELEASE_IN);
        files.released(nodeid);
        if (create) { // libfuse counted the new name as looked up by the kernel, which never saw it
            scratch.putInt(IN_OPCODE, FUSE_FORGET);
            scratch.putLong(IN_HEADER, 1);
            scratch.putInt(IN_LEN, IN_HEADER + FORGET_IN);
            capture.process(scratch, IN_HEADER + FORGET_IN);
        }
    }

    /** A RELEASE on its way to libfuse. */
    void releasing(Pointer request) {
        files.released(request.getLong(IN_NODEID));
    }

    /** Whether the kernel offered passthrough in its FUSE_INIT request (struct fuse_init_in: ..., flags, flags2). */
    static boolean offered(Pointer initRequest, int length) {
        if (length < IN_HEADER + 20) return false;
        int flags = initRequest.getInt(IN_HEADER + 12), flags2 = initRequest.getInt(IN_HEADER + 16);
        return (flags & InitReply.FUSE_INIT_EXT) != 0 && (flags2 & InitReply.FUSE_PASSTHROUGH_FLAGS2) != 0;
    }
}
