package dev.jfs.fuse.session;

import static dev.jfs.fuse.protocol.InitFlags.*;

import dev.jfs.fuse.protocol.Reply;
import dev.jfs.fuse.protocol.Request;
import dev.jfs.posix.Errno;
import dev.jfs.posix.FsException;

/**
 * FUSE_INIT: agrees on the protocol version and the capabilities jfs uses, from what the kernel
 * offers. Requests carry up to {@link #MAX_IO} bytes of data; names come with attributes in
 * directory listings; lookups and listings of one directory may run in parallel.
 */
final class Init {
    static final int MAJOR = 7;
    /** The newest protocol minor whose structures this code writes (7.40: passthrough). */
    static final int NEWEST_MINOR = 40;
    /** The oldest it accepts: every structure written has its 7.12 size or later (Linux 2.6.29). */
    static final int OLDEST_MINOR = 12;
    static final int MAX_IO = 1 << 20;
    static final int PAGE = 4096;

    private static final long WANTED = ASYNC_READ | ATOMIC_O_TRUNC | BIG_WRITES | DO_READDIRPLUS | READDIRPLUS_AUTO
            | PARALLEL_DIROPS | MAX_PAGES | CACHE_SYMLINKS;

    private final boolean passthroughWanted;
    private final boolean uringWanted;

    Init(boolean passthroughWanted) {
        this(passthroughWanted, false);
    }

    /** @param uringWanted ask for FUSE over io_uring where the kernel offers it (enable_uring) */
    Init(boolean passthroughWanted, boolean uringWanted) {
        this.passthroughWanted = passthroughWanted;
        this.uringWanted = uringWanted;
    }

    /** Answers the INIT in {@code request}; returns what was agreed, or null if the kernel is asked again. */
    Negotiated answer(Request request, Reply reply) {
        int major = request.u32(0), minor = request.u32(4), readahead = request.u32(8);
        long offered = request.u32(12) & 0xffffffffL;
        if (major < MAJOR || (major == MAJOR && minor < OLDEST_MINOR)) {
            throw new FsException(Errno.EPROTO, "the kernel's FUSE protocol " + major + "." + minor
                    + " is older than 7." + OLDEST_MINOR);
        }
        if (major > MAJOR) {
            // The kernel sends INIT again with our major.
            reply.u32(MAJOR).u32(NEWEST_MINOR);
            return null;
        }
        if ((offered & INIT_EXT) != 0 && request.bodyLength() >= 20) offered |= (request.u32(16) & 0xffffffffL) << 32;
        int agreed = Math.min(minor, NEWEST_MINOR);
        long flags = offered & WANTED;
        boolean passthrough = passthroughWanted && agreed >= 40 && (offered & PASSTHROUGH) != 0;
        if (passthrough) flags |= PASSTHROUGH | INIT_EXT;
        boolean uring = uringWanted && agreed >= 23 && (offered & OVER_IO_URING) != 0;
        if (uring) flags |= OVER_IO_URING | INIT_EXT;
        reply.u32(MAJOR).u32(agreed).u32(readahead).u32((int) flags);
        if (agreed < 23) {
            reply.u16(16).u16(12).u32(MAX_IO); // the 7.13-7.22 reply ends after max_write
        } else {
            reply.u16(16).u16(12).u32(MAX_IO).u32(1).u16(MAX_IO / PAGE).u16(0)
                    .u32((int) (flags >>> 32)).u32(passthrough ? 1 : 0).zeros(24);
        }
        return new Negotiated(agreed, passthrough, uring);
    }
}
