package dev.jfs.fuse.adapter;

import dev.jfs.posix.FsException;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.annotations.SaveError;

/**
 * The calls on open descriptors that serve a file with no name left (unlinked while open) and
 * the requests only a descriptor can answer: fallocate, lseek's SEEK_DATA/SEEK_HOLE,
 * copy_file_range. Failures are thrown as {@link FsException} with errno.
 */
final class DescriptorCalls {
    @SaveError
    public interface LibC {
        int fchmod(int fd, int mode);
        int fchown(int fd, int uid, int gid);
        int futimens(int fd, @In long[] times);
        long lseek(int fd, long offset, int whence);
        int fallocate(int fd, int mode, long offset, long length);
        long copy_file_range(int in, @In @Out long[] offIn, int out, @In @Out long[] offOut, long len, int flags);
        int dup2(int from, int to);
    }

    private static final LibC LIBC = LibraryLoader.create(LibC.class).failImmediately().load("c");
    private static final Runtime RUNTIME = Runtime.getRuntime(LIBC);

    private DescriptorCalls() {}

    private static long check(long rc, String op, int fd) {
        if (rc < 0) throw new FsException(RUNTIME.getLastError(), op + " fd " + fd);
        return rc;
    }

    static void fchmod(int fd, int mode) {
        check(LIBC.fchmod(fd, mode), "fchmod", fd);
    }

    static void fchown(int fd, int uid, int gid) {
        check(LIBC.fchown(fd, uid, gid), "fchown", fd);
    }

    static void futimens(int fd, long atimeSec, long atimeNsec, long mtimeSec, long mtimeNsec) {
        check(LIBC.futimens(fd, new long[] {atimeSec, atimeNsec, mtimeSec, mtimeNsec}), "futimens", fd);
    }

    static long lseek(int fd, long offset, int whence) {
        return check(LIBC.lseek(fd, offset, whence), "lseek", fd);
    }

    static void fallocate(int fd, int mode, long offset, long length) {
        check(LIBC.fallocate(fd, mode, offset, length), "fallocate", fd);
    }

    static long copyFileRange(int in, long offIn, int out, long offOut, long length) {
        return check(LIBC.copy_file_range(in, new long[] {offIn}, out, new long[] {offOut}, length, 0), "copy_file_range", in);
    }

    /** Makes descriptor {@code to} refer to {@code from}'s file, atomically for readers of {@code to}. */
    static void dup2(int from, int to) {
        check(LIBC.dup2(from, to), "dup2", from);
    }
}
