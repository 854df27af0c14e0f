package dev.jfs.posix;

import jnr.ffi.Pointer;
import jnr.ffi.annotations.Encoding;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.SaveError;

/**
 * The libc calls Java lacks or hides errno from. Bound once through jnr-ffi; used only through
 * {@link Posix}, which turns a -1 return into an {@link FsException} carrying errno.
 */
@Encoding("UTF-8")
@SaveError
public interface LibC {
    int open(String path, int flags, int mode);
    /** The hot calls also take a path already encoded, NUL-terminated (see {@link Posix#cString}). */
    int open(@In byte[] path, int flags, int mode);
    int close(int fd);
    int dup2(int oldfd, int newfd);
    int pipe2(int[] fds, int flags);
    long read(int fd, Pointer buf, long count);
    long write(int fd, Pointer buf, long count);
    long pread(int fd, Pointer buf, long count, long offset);
    long pwrite(int fd, Pointer buf, long count, long offset);
    long pread(int fd, byte[] buf, long count, long offset);
    long pwrite(int fd, byte[] buf, long count, long offset);
    int fsync(int fd);
    int fdatasync(int fd);
    int ftruncate(int fd, long length);
    int truncate(String path, long length);
    int fallocate(int fd, int mode, long offset, long len);
    /** Returns the error number itself (0 on success), not -1 and errno. */
    int posix_fadvise(int fd, long offset, long len, int advice);

    int lstat(String path, Pointer statbuf);
    int lstat(@In byte[] path, Pointer statbuf);
    int fstat(int fd, Pointer statbuf);
    int statvfs(String path, Pointer buf);

    int mkdir(String path, int mode);
    int rmdir(String path);
    int unlink(String path);
    int symlink(String target, String linkpath);
    long readlink(String path, Pointer buf, long size);
    int link(String oldpath, String newpath);
    int rename(String oldpath, String newpath);
    int renameat2(int olddirfd, String oldpath, int newdirfd, String newpath, int flags);
    int mknod(String path, int mode, long dev);
    int chmod(String path, int mode);
    int lchown(String path, int uid, int gid);
    int utimensat(int dirfd, String path, Pointer times, int flags);

    long lgetxattr(String path, String name, Pointer value, long size);
    int lsetxattr(String path, String name, Pointer value, long size, int flags);
    long llistxattr(String path, Pointer list, long size);
    int lremovexattr(String path, String name);
    long fgetxattr(int fd, String name, Pointer value, long size);
    long flistxattr(int fd, Pointer list, long size);

    long copy_file_range(int fdIn, Pointer offIn, int fdOut, Pointer offOut, long len, int flags);
    int sync_file_range(int fd, long offset, long nbytes, int flags);

    Pointer opendir(String path);
    Pointer readdir(Pointer dir);
    int closedir(Pointer dir);

    int statx(int dirfd, String path, int flags, int mask, Pointer buf);

    int umask(int mask);
    int geteuid();
    int getegid();
    int umount2(String target, int flags);
    int ioctl(int fd, long request, int[] arg);
    int poll(Pointer fds, long nfds, int timeout);
    int syncfs(int fd);
}
