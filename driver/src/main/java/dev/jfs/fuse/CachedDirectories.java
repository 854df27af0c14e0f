package dev.jfs.fuse;

import static dev.jfs.fuse.FuseProtocol.*;

import jnr.ffi.Pointer;

/**
 * For kernels that cannot open directories without asking (before 5.1; otherwise
 * {@link DirectoryHandles} serves directories and no OPENDIR comes).
 * Lets the kernel keep a directory's listing in its page cache (FOPEN_CACHE_DIR, which libfuse2's
 * fuse_file_info cannot express), so a second `find` or `ls` of the tree sends no READDIR at all.
 * Safe for the same reason the entry and attribute caches are: lowers never change and every
 * change to the union goes through this mount, and the kernel drops a directory's cached listing
 * whenever it changes the directory itself. libfuse answers OPENDIR into a
 * {@link CaptureChannel}; we set FOPEN_CACHE_DIR and FOPEN_KEEP_CACHE (else each open would drop
 * the cache) in its answer and send it on.
 */
final class CachedDirectories {
    private static final int OPEN_OUT = 16, OPEN_FLAGS = OUT_HEADER + 8; // struct fuse_open_out: fh, open_flags
    private static final int FOPEN_KEEP_CACHE = 1 << 1, FOPEN_CACHE_DIR = 1 << 3;

    private CachedDirectories() {}

    static void answer(CaptureChannel capture, int deviceFd, Pointer request, int length) {
        int got = capture.process(request, length);
        if (got < OUT_HEADER) return; // libfuse answered nothing: nor do we
        Pointer reply = capture.answer();
        if (got == OUT_HEADER + OPEN_OUT && reply.getInt(OUT_ERROR) == 0) {
            reply.putInt(OPEN_FLAGS, reply.getInt(OPEN_FLAGS) | FOPEN_CACHE_DIR | FOPEN_KEEP_CACHE);
        }
        // If the kernel gave up on the request, its RELEASEDIR never comes and the directory
        // handle leaks, as when libfuse itself finds a request interrupted.
        CaptureChannel.send(deviceFd, reply, got);
    }
}
