package dev.jfs.fuse.session;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.SaveError;

/** The libc calls that mount a FUSE filesystem and share its connection, bound through jnr-ffi. */
final class MountCalls {
    @SaveError
    public interface LibC {
        int mount(String source, String target, String fstype, long flags, String data);
        int ioctl(int fd, long request, int[] arg);
    }

    static final long MS_NOSUID = 2, MS_NODEV = 4, MS_NOATIME = 1024;
    /** _IOR(229, 0, uint32_t): a new descriptor on an existing connection. */
    static final long FUSE_DEV_IOC_CLONE = 0x8004e500L;

    static final LibC LIBC = LibraryLoader.create(LibC.class).failImmediately().load("c");
    private static final Runtime RUNTIME = Runtime.getRuntime(LIBC);

    private MountCalls() {}

    static int errno() {
        return RUNTIME.getLastError();
    }
}
