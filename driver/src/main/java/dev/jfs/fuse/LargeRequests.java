package dev.jfs.fuse;

import dev.jfs.posix.Posix;
import java.util.logging.Logger;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

/**
 * Reads and writes of 1 MiB per request instead of 128 KiB. libfuse2 predates the kernel's
 * FUSE_MAX_PAGES (protocol 7.28), so the kernel caps every READ and WRITE at 32 pages unless the
 * INIT reply says otherwise: a 1 GiB write took 8,192 round trips. This class lets libfuse answer
 * FUSE_INIT as usual, but into a pipe, then passes the reply on to the kernel with the two fields
 * libfuse2 cannot write: the FUSE_MAX_PAGES flag and max_pages. Nothing else of the protocol
 * changes (the kernel reads max_pages from any reply that sets the flag).
 *
 * <p>libfuse is told its channel buffer is {@link #BUFFER} bytes (so it offers max_write = 1 MiB),
 * and every request loop reads into a buffer that large. If libfuse's struct fuse_chan is not
 * laid out as expected, INIT goes through untouched and requests stay at 128 KiB.
 */
final class LargeRequests {
    private static final Logger LOG = Logger.getLogger(LargeRequests.class.getName());
    /** Largest READ/WRITE payload asked for; the kernel's default limit (fuse max_pages_limit) is 256 pages. */
    static final int MAX_IO = 1 << 20;
    /** One request: the payload plus headers, as the kernel requires of the reader's buffer. */
    static final int BUFFER = MAX_IO + 8192;

    private static final int FUSE_INIT = 26;
    private static final int IN_OPCODE = 4; // struct fuse_in_header: len, opcode, unique, ...
    private static final int OUT_HEADER = 16; // struct fuse_out_header: len, error, unique
    private static final int INIT_OUT_LIBFUSE2 = 24; // major minor max_readahead flags max_bg cong max_write
    private static final int INIT_OUT_FULL = 64;
    private static final int FLAGS = 12, MAX_PAGES = 28; // after max_write (20) and time_gran (24)
    private static final int FUSE_MAX_PAGES = 1 << 22;
    /** struct fuse_chan in libfuse 2.6-2.9: ops (3 pointers), se, int fd, size_t bufsize, data, compat. */
    private static final int CHAN_FD = 32, CHAN_BUFSIZE = 40, CHAN_SIZE = 64;

    private LargeRequests() {}

    static boolean isInit(Pointer request, int length) {
        return length >= 8 && request.getInt(IN_OPCODE) == FUSE_INIT;
    }

    /**
     * Has libfuse process the INIT request in {@code request} and sends its reply, widened, to
     * the kernel. Returns false (nothing sent) when libfuse's channel layout is not the one known
     * here; the caller then lets libfuse process INIT itself.
     */
    static boolean answerInit(FuseLoop.LibFuse2 lib, Runtime runtime, Pointer session, Pointer channel,
                              Pointer request, int length) {
        int deviceFd = lib.fuse_chan_fd(channel);
        if (channel.getInt(CHAN_FD) != deviceFd || channel.getLong(CHAN_BUFSIZE) != lib.fuse_chan_bufsize(channel)) {
            LOG.warning("libfuse's struct fuse_chan is not as expected: requests stay at 128 KiB");
            return false;
        }
        int[] pipe = Posix.pipe();
        try {
            // The same channel (libfuse reaches its session and ops through it), but writing to our
            // pipe and claiming the buffer the request loops really have.
            Pointer capture = Memory.allocateDirect(runtime, CHAN_SIZE, true);
            byte[] chan = new byte[CHAN_SIZE];
            channel.get(0, chan, 0, CHAN_SIZE);
            capture.put(0, chan, 0, CHAN_SIZE);
            capture.putInt(CHAN_FD, pipe[1]);
            capture.putLong(CHAN_BUFSIZE, BUFFER);
            lib.fuse_session_process(session, request, length, capture);

            Pointer reply = Memory.allocateDirect(runtime, OUT_HEADER + INIT_OUT_FULL, true);
            int got = Posix.read(pipe[0], reply, OUT_HEADER + INIT_OUT_FULL);
            boolean ok = got == OUT_HEADER + INIT_OUT_LIBFUSE2 && reply.getInt(4) == 0;
            if (ok) {
                Pointer init = reply.slice(OUT_HEADER);
                init.putInt(FLAGS, init.getInt(FLAGS) | FUSE_MAX_PAGES);
                init.putShort(MAX_PAGES, (short) (MAX_IO / 4096));
                reply.putInt(0, OUT_HEADER + INIT_OUT_FULL);
                got = OUT_HEADER + INIT_OUT_FULL;
            }
            // An error reply (a kernel too old or too new for libfuse) is passed on as it was.
            Posix.write(deviceFd, reply, got);
            return true;
        } finally {
            Posix.close(pipe[0]);
            Posix.close(pipe[1]);
        }
    }
}
