package dev.jfs.fuse;

import static dev.jfs.fuse.FuseProtocol.*;

import jnr.ffi.Pointer;

/**
 * The answer to FUSE_INIT, with what libfuse2 cannot say. libfuse2 predates two things the kernel
 * offers: FUSE_MAX_PAGES (protocol 7.28), without which every READ and WRITE is capped at 32 pages
 * (a 1 GiB write took 8,192 round trips), and READDIRPLUS (7.21), without which the kernel learns
 * a directory's names but not their attributes, so `ls -l` or `find -exec stat` costs a LOOKUP
 * round trip per name. libfuse answers INIT into a {@link CaptureChannel} as usual; we pass that
 * answer on with FUSE_MAX_PAGES and max_pages, and FUSE_DO_READDIRPLUS, which
 * {@link ReaddirPlus} then serves. Nothing else of the protocol changes: the kernel reads these
 * fields from any reply that sets their flags.
 *
 * <p>The capture channel claims a buffer of {@link #BUFFER} bytes, so libfuse offers max_write =
 * 1 MiB, and every request loop reads into a buffer that large.
 */
final class InitReply {
    /** Largest READ/WRITE payload asked for; the kernel's default limit (fuse max_pages_limit) is 256 pages. */
    static final int MAX_IO = 1 << 20;
    /** One request: the payload plus headers, as the kernel requires of the reader's buffer. */
    static final int BUFFER = MAX_IO + 8192;

    private static final int INIT_OUT_LIBFUSE2 = 24; // major minor max_readahead flags max_bg cong max_write
    private static final int INIT_OUT_FULL = 64;
    private static final int FLAGS = 12, MAX_PAGES = 28; // after max_write (20) and time_gran (24)
    private static final int FLAGS2 = 32, MAX_STACK_DEPTH = 36; // after map_alignment (30)
    private static final int FUSE_DO_READDIRPLUS = 1 << 13, FUSE_MAX_PAGES = 1 << 22;
    /** flags2 (the upper 32 bits of the flags) count only with FUSE_INIT_EXT; FUSE_PASSTHROUGH is bit 37. */
    static final int FUSE_INIT_EXT = 1 << 30, FUSE_PASSTHROUGH_FLAGS2 = 1 << (37 - 32);

    private InitReply() {}

    /**
     * Has libfuse process the INIT request and sends its reply, widened, to the kernel on
     * {@code deviceFd}. An error reply (a kernel too old or too new for libfuse) goes on as it was.
     * With {@code passthrough}, asks for FUSE_PASSTHROUGH too ({@link PassthroughOpens}), with a
     * stack depth of 1: backing files must live on a filesystem that stacks on no other.
     *
     * @return whether passthrough was asked for
     */
    static boolean answer(CaptureChannel capture, int deviceFd, Pointer request, int length, boolean passthrough) {
        int got = capture.process(request, length);
        if (got < OUT_HEADER) throw new IllegalStateException("libfuse did not answer FUSE_INIT");
        Pointer reply = capture.answer();
        boolean asked = false;
        if (got == OUT_HEADER + INIT_OUT_LIBFUSE2 && reply.getInt(OUT_ERROR) == 0) {
            Pointer init = reply.slice(OUT_HEADER);
            init.putInt(FLAGS, init.getInt(FLAGS) | FUSE_MAX_PAGES | FUSE_DO_READDIRPLUS);
            init.put(INIT_OUT_LIBFUSE2, new byte[INIT_OUT_FULL - INIT_OUT_LIBFUSE2], 0, INIT_OUT_FULL - INIT_OUT_LIBFUSE2);
            init.putShort(MAX_PAGES, (short) (MAX_IO / 4096));
            if (passthrough) {
                init.putInt(FLAGS, init.getInt(FLAGS) | FUSE_INIT_EXT);
                init.putInt(FLAGS2, FUSE_PASSTHROUGH_FLAGS2);
                init.putInt(MAX_STACK_DEPTH, 1);
                asked = true;
            }
            got = OUT_HEADER + INIT_OUT_FULL;
            reply.putInt(OUT_LEN, got);
        }
        if (!CaptureChannel.send(deviceFd, reply, got)) throw new IllegalStateException("the kernel refused jfs's FUSE_INIT reply");
        return asked;
    }
}
