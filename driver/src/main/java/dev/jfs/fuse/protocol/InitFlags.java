package dev.jfs.fuse.protocol;

/** Capability bits of FUSE_INIT: the low 32 in {@code flags}, the rest in {@code flags2} (FUSE_INIT_EXT). */
public final class InitFlags {
    private InitFlags() {}

    public static final long ASYNC_READ = 1L, ATOMIC_O_TRUNC = 1L << 3, BIG_WRITES = 1L << 5,
            DO_READDIRPLUS = 1L << 13, READDIRPLUS_AUTO = 1L << 14, ASYNC_DIO = 1L << 15,
            PARALLEL_DIROPS = 1L << 18, MAX_PAGES = 1L << 22, CACHE_SYMLINKS = 1L << 23,
            INIT_EXT = 1L << 30, PASSTHROUGH = 1L << 37, OVER_IO_URING = 1L << 41;
}
