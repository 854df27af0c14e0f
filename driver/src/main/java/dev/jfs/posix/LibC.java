package dev.jfs.posix;

import jnr.ffi.Pointer;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.annotations.SaveError;

/**
 * The libc calls Java lacks or hides errno from. Bound once through jnr-ffi; used only through
 * {@link Posix}, which turns a -1 return into an {@link FsException} carrying errno. Every path
 * and name is a NUL-terminated byte array ({@link Posix#cString}): jnr's own String marshalling
 * would re-encode it, and a name that is not UTF-8 would reach the kernel as other bytes.
 */
@SaveError
public interface LibC {
    int open(@In byte[] path, int flags, int mode);
    int openat(int dirfd, @In byte[] path, int flags, int mode);
    int close(int fd);
    int dup2(int oldfd, int newfd);
    int pipe2(int[] fds, int flags);
    long read(int fd, Pointer buf, long count);
    long write(int fd, Pointer buf, long count);
    long pread(int fd, Pointer buf, long count, long offset);
    long pwrite(int fd, Pointer buf, long count, long offset);
    long pread(int fd, @Out byte[] buf, long count, long offset);
    long pwrite(int fd, @In byte[] buf, long count, long offset);
    int fsync(int fd);
    int fdatasync(int fd);
    int ftruncate(int fd, long length);
    int truncate(@In byte[] path, long length);
    int fallocate(int fd, int mode, long offset, long len);
    /** Returns the error number itself (0 on success), not -1 and errno. */
    int posix_fadvise(int fd, long offset, long len, int advice);

    int lstat(@In byte[] path, Pointer statbuf);
    int fstat(int fd, Pointer statbuf);
    int fstatat(int dirfd, @In byte[] path, Pointer statbuf, int flags);
    int statvfs(@In byte[] path, Pointer buf);

    int mkdir(@In byte[] path, int mode);
    int rmdir(@In byte[] path);
    int unlink(@In byte[] path);
    int symlink(@In byte[] target, @In byte[] linkpath);
    long readlink(@In byte[] path, Pointer buf, long size);
    int link(@In byte[] oldpath, @In byte[] newpath);
    int rename(@In byte[] oldpath, @In byte[] newpath);
    int renameat2(int olddirfd, @In byte[] oldpath, int newdirfd, @In byte[] newpath, int flags);
    int mknod(@In byte[] path, int mode, long dev);
    int chmod(@In byte[] path, int mode);
    int lchown(@In byte[] path, int uid, int gid);
    int utimensat(int dirfd, @In byte[] path, Pointer times, int flags);

    // The *at forms, for paths too long for the calls above (LongPaths).
    int mkdirat(int dirfd, @In byte[] path, int mode);
    int unlinkat(int dirfd, @In byte[] path, int flags);
    int symlinkat(@In byte[] target, int newdirfd, @In byte[] linkpath);
    long readlinkat(int dirfd, @In byte[] path, Pointer buf, long size);
    int linkat(int olddirfd, @In byte[] oldpath, int newdirfd, @In byte[] newpath, int flags);
    int mknodat(int dirfd, @In byte[] path, int mode, long dev);
    int fchmodat(int dirfd, @In byte[] path, int mode, int flags);
    int fchownat(int dirfd, @In byte[] path, int uid, int gid, int flags);

    long lgetxattr(@In byte[] path, @In byte[] name, Pointer value, long size);
    int lsetxattr(@In byte[] path, @In byte[] name, Pointer value, long size, int flags);
    long llistxattr(@In byte[] path, Pointer list, long size);
    int lremovexattr(@In byte[] path, @In byte[] name);
    long fgetxattr(int fd, @In byte[] name, Pointer value, long size);
    long flistxattr(int fd, Pointer list, long size);

    long copy_file_range(int fdIn, Pointer offIn, int fdOut, Pointer offOut, long len, int flags);
    int sync_file_range(int fd, long offset, long nbytes, int flags);

    Pointer opendir(@In byte[] path);
    Pointer fdopendir(int fd);
    Pointer readdir(Pointer dir);
    int closedir(Pointer dir);

    int umask(int mask);
    int geteuid();
    int getegid();
    int umount2(@In byte[] target, int flags);
    int ioctl(int fd, long request, int[] arg);
    int fchmod(int fd, int mode);
    int fchown(int fd, int uid, int gid);
    int futimens(int fd, @In long[] times);
    long lseek(int fd, long offset, int whence);
    long copy_file_range(int fdIn, @In @Out long[] offIn, int fdOut, @In @Out long[] offOut, long len, int flags);
    int mount(@In byte[] source, @In byte[] target, @In byte[] fstype, long flags, @In byte[] data);
    int poll(Pointer fds, long nfds, int timeout);
    int syncfs(int fd);

    // io_uring (FUSE over io_uring): the two system calls glibc has no wrapper for, and its rings.
    long syscall(long number, long a1, long a2, long a3, long a4, long a5, long a6);
    Pointer mmap(Pointer addr, long length, int prot, int flags, int fd, long offset);
    int munmap(Pointer addr, long length);
    int sched_setaffinity(int pid, long cpusetsize, @In long[] mask);
}
