package dev.jfs.posix;

import dev.jfs.posix.LongPaths.At;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Memory;
import jnr.ffi.Platform;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

/**
 * Checked wrappers around {@link LibC}: every call either succeeds or throws {@link FsException}
 * with the errno it failed with. Paths are absolute strings of the real (layer) filesystem, of
 * any length: one of PATH_MAX bytes or more goes to the *at form of the call ({@link LongPaths}).
 * Thread-safe: per-thread scratch buffers, no shared state.
 */
public final class Posix {
    public static final int O_RDONLY = 0, O_WRONLY = 1, O_RDWR = 2, O_ACCMODE = 3;
    public static final int O_CREAT = 0100, O_EXCL = 0200, O_NOCTTY = 0400, O_TRUNC = 01000, O_APPEND = 02000;
    public static final int O_NONBLOCK = 04000, O_CLOEXEC = 02000000;
    public static final int O_DIRECTORY, O_NOFOLLOW, O_DIRECT;
    public static final int RENAME_NOREPLACE = 1, RENAME_EXCHANGE = 2, RENAME_WHITEOUT = 4;
    public static final int XATTR_CREATE = 1, XATTR_REPLACE = 2;
    public static final int MNT_DETACH = 2;
    public static final long UTIME_NOW = (1L << 30) - 1, UTIME_OMIT = (1L << 30) - 2;
    private static final int AT_SYMLINK_NOFOLLOW = 0x100, AT_REMOVEDIR = 0x200;

    private static final LibC LIBC;
    private static final Runtime RUNTIME;
    private static final boolean AARCH64;
    private static final ThreadLocal<NativeBuffer> SCRATCH;
    private static final ThreadLocal<Pointer> IO_BUFFER;

    static {
        LIBC = LibraryLoader.create(LibC.class).failImmediately().load("c");
        RUNTIME = Runtime.getRuntime(LIBC);
        Platform.CPU cpu = Platform.getNativePlatform().getCPU();
        AARCH64 = cpu == Platform.CPU.AARCH64;
        if (!AARCH64 && cpu != Platform.CPU.X86_64) {
            throw new IllegalStateException("jfs supports x86_64 and aarch64 Linux, not " + cpu);
        }
        O_DIRECTORY = AARCH64 ? 040000 : 0200000;
        O_NOFOLLOW = AARCH64 ? 0100000 : 0400000;
        O_DIRECT = AARCH64 ? 0200000 : 040000;
        SCRATCH = ThreadLocal.withInitial(Posix::newScratch);
        IO_BUFFER = ThreadLocal.withInitial(() -> Memory.allocateDirect(RUNTIME, 64 * 1024));
    }

    private Posix() {}

    /** A thread's buffer for the structs of one call at a time (stat, times, xattr values). */
    static NativeBuffer newScratch() {
        return new NativeBuffer(Memory.allocateDirect(RUNTIME, 4096));
    }

    private static NativeBuffer scratch() {
        return Thread.currentThread() instanceof PosixThread t ? t.scratch : SCRATCH.get();
    }

    public static LibC libc() {
        return LIBC;
    }

    private static int errno() {
        return RUNTIME.getLastError();
    }

    /** errno of this thread's last libc call, for {@link LongPaths}. */
    static int lastErrno() {
        return errno();
    }

    /** {@code cPath} as a directory descriptor and a name: {@link LongPaths#at}. */
    private static At at(byte[] cPath, String op, String path) {
        return LongPaths.at(cPath, op, path);
    }

    private static boolean fits(byte[] cPath) {
        return LongPaths.fits(cPath);
    }

    /** ioctl(2) with an argument of 32-bit words: its result if not negative, else -errno. */
    public static int ioctl(int fd, long request, int[] arg) {
        int rc = LIBC.ioctl(fd, request, arg);
        return rc < 0 ? -errno() : rc;
    }

    private static FsException fail(String op, String path) {
        return new FsException(errno(), op + " " + path);
    }

    private static void check(int rc, String op, String path) {
        if (rc < 0) throw fail(op, path);
    }

    public static String strerror(int errno) {
        return switch (errno) {
            case Errno.EPERM -> "Operation not permitted";
            case Errno.ENOENT -> "No such file or directory";
            case Errno.EIO -> "Input/output error";
            case Errno.EACCES -> "Permission denied";
            case Errno.EBUSY -> "Device or resource busy";
            case Errno.EEXIST -> "File exists";
            case Errno.EXDEV -> "Invalid cross-device link";
            case Errno.ENOTDIR -> "Not a directory";
            case Errno.EISDIR -> "Is a directory";
            case Errno.EINVAL -> "Invalid argument";
            case Errno.ENOSPC -> "No space left on device";
            case Errno.ENOTEMPTY -> "Directory not empty";
            case Errno.ENODATA -> "No data available";
            case Errno.EOPNOTSUPP -> "Operation not supported";
            case Errno.ENOTCONN -> "Transport endpoint is not connected";
            default -> "errno " + errno;
        };
    }

    /**
     * A path or name as the C string libc takes: its bytes ({@link Names#encode}, so a name that
     * is not UTF-8 reaches the kernel as the bytes it was read as), NUL-terminated. Never jnr's
     * own String marshalling, which would re-encode it (and cost a CharsetEncoder per call).
     */
    static byte[] cString(String path) {
        byte[] b = Names.encode(path);
        return Arrays.copyOf(b, b.length + 1);
    }

    // ---- attributes ----------------------------------------------------------------------------

    public static Stat lstat(String path) {
        NativeBuffer scratch = scratch();
        Pointer buf = scratch.pointer();
        byte[] p = cString(path);
        if (fits(p)) {
            check(LIBC.lstat(p, buf), "lstat", path);
        } else {
            try (At at = at(p, "lstat", path)) {
                check(LIBC.fstatat(at.dirfd(), at.name(), buf, AT_SYMLINK_NOFOLLOW), "lstat", path);
            }
        }
        return readStat(scratch);
    }

    /** lstat, or null if nothing is there (ENOENT, or a parent that is not a directory). */
    public static Stat lstatOrNull(String path) {
        byte[] p = cString(path);
        if (!fits(p)) {
            try {
                return lstat(path);
            } catch (FsException e) {
                if (e.errno() == Errno.ENOENT || e.errno() == Errno.ENOTDIR) return null;
                throw e;
            }
        }
        NativeBuffer scratch = scratch();
        if (LIBC.lstat(p, scratch.pointer()) < 0) {
            int e = errno();
            if (e == Errno.ENOENT || e == Errno.ENOTDIR) return null;
            throw new FsException(e, "lstat " + path);
        }
        return readStat(scratch);
    }

    public static Stat fstat(int fd) {
        NativeBuffer scratch = scratch();
        check(LIBC.fstat(fd, scratch.pointer()), "fstat", "fd " + fd);
        return readStat(scratch);
    }

    private static Stat readStat(NativeBuffer b) {
        if (AARCH64) {
            return new Stat(b.getLong(0), b.getLong(8), b.getInt(16), b.getInt(20) & 0xffffffffL,
                    b.getInt(24), b.getInt(28), b.getLong(32), b.getLong(48), b.getInt(56), b.getLong(64),
                    b.getLong(72), b.getLong(80), b.getLong(88), b.getLong(96), b.getLong(104), b.getLong(112));
        }
        return new Stat(b.getLong(0), b.getLong(8), b.getInt(24), b.getLong(16), b.getInt(28), b.getInt(32),
                b.getLong(40), b.getLong(48), b.getLong(56), b.getLong(64),
                b.getLong(72), b.getLong(80), b.getLong(88), b.getLong(96), b.getLong(104), b.getLong(112));
    }

    /**
     * Writes {@code s} into the struct stat at {@code b}, laid out as {@link #readStat} reads it;
     * leaves padding and reserved fields as they are (libfuse zeroes the struct it passes).
     */
    public static void writeStat(Pointer b, Stat s) {
        if (AARCH64) {
            b.putLong(0, s.dev());
            b.putLong(8, s.ino());
            b.putInt(16, s.mode());
            b.putInt(20, (int) s.nlink());
            b.putInt(24, s.uid());
            b.putInt(28, s.gid());
            b.putLong(32, s.rdev());
            b.putLong(48, s.size());
            b.putInt(56, (int) s.blksize());
            b.putLong(64, s.blocks());
        } else {
            b.putLong(0, s.dev());
            b.putLong(8, s.ino());
            b.putLong(16, s.nlink());
            b.putInt(24, s.mode());
            b.putInt(28, s.uid());
            b.putInt(32, s.gid());
            b.putLong(40, s.rdev());
            b.putLong(48, s.size());
            b.putLong(56, s.blksize());
            b.putLong(64, s.blocks());
        }
        b.putLong(72, s.atimeSec());
        b.putLong(80, s.atimeNsec());
        b.putLong(88, s.mtimeSec());
        b.putLong(96, s.mtimeNsec());
        b.putLong(104, s.ctimeSec());
        b.putLong(112, s.ctimeNsec());
    }

    /** statvfs(3): bsize, frsize, blocks, bfree, bavail, files, ffree, favail, fsid, flag, namemax. */
    public static long[] statvfs(String path) {
        Pointer buf = scratch().pointer();
        try (At at = at(cString(path), "statvfs", path)) {
            check(LIBC.statvfs(at.viaProc(), buf), "statvfs", path);
        }
        long[] v = new long[11];
        for (int i = 0; i < v.length; i++) v[i] = buf.getLong(i * 8L);
        return v;
    }

    public static void chmod(String path, int mode) {
        byte[] p = cString(path);
        if (fits(p)) {
            check(LIBC.chmod(p, mode & 07777), "chmod", path);
            return;
        }
        try (At at = at(p, "chmod", path)) {
            check(LIBC.fchmodat(at.dirfd(), at.name(), mode & 07777, 0), "chmod", path);
        }
    }

    public static void lchown(String path, int uid, int gid) {
        byte[] p = cString(path);
        if (fits(p)) {
            check(LIBC.lchown(p, uid, gid), "chown", path);
            return;
        }
        try (At at = at(p, "chown", path)) {
            check(LIBC.fchownat(at.dirfd(), at.name(), uid, gid, AT_SYMLINK_NOFOLLOW), "chown", path);
        }
    }

    /** Sets times without following a final symlink; nanoseconds may be UTIME_NOW or UTIME_OMIT. */
    public static void utimens(String path, long atimeSec, long atimeNsec, long mtimeSec, long mtimeNsec) {
        NativeBuffer t = scratch();
        t.putLong(0, atimeSec);
        t.putLong(8, atimeNsec);
        t.putLong(16, mtimeSec);
        t.putLong(24, mtimeNsec);
        try (At at = at(cString(path), "utimensat", path)) {
            check(LIBC.utimensat(at.dirfd(), at.name(), t.pointer(), AT_SYMLINK_NOFOLLOW), "utimensat", path);
        }
    }

    // ---- namespace -----------------------------------------------------------------------------

    public static void mkdir(String path, int mode) {
        byte[] p = cString(path);
        if (fits(p)) {
            check(LIBC.mkdir(p, mode), "mkdir", path);
            return;
        }
        try (At at = at(p, "mkdir", path)) {
            check(LIBC.mkdirat(at.dirfd(), at.name(), mode), "mkdir", path);
        }
    }

    public static void rmdir(String path) {
        byte[] p = cString(path);
        if (fits(p)) {
            check(LIBC.rmdir(p), "rmdir", path);
            return;
        }
        try (At at = at(p, "rmdir", path)) {
            check(LIBC.unlinkat(at.dirfd(), at.name(), AT_REMOVEDIR), "rmdir", path);
        }
    }

    public static void unlink(String path) {
        byte[] p = cString(path);
        if (fits(p)) {
            check(LIBC.unlink(p), "unlink", path);
            return;
        }
        try (At at = at(p, "unlink", path)) {
            check(LIBC.unlinkat(at.dirfd(), at.name(), 0), "unlink", path);
        }
    }

    /** A symlink at {@code path} (of any length) to {@code target} (less than PATH_MAX bytes, as for the kernel). */
    public static void symlink(String target, String path) {
        byte[] p = cString(path);
        if (fits(p)) {
            check(LIBC.symlink(cString(target), p), "symlink", path);
            return;
        }
        try (At at = at(p, "symlink", path)) {
            check(LIBC.symlinkat(cString(target), at.dirfd(), at.name()), "symlink", path);
        }
    }

    public static String readlink(String path) {
        Pointer buf = scratch().pointer();
        byte[] p = cString(path);
        long n;
        if (fits(p)) {
            n = LIBC.readlink(p, buf, 4096);
        } else {
            try (At at = at(p, "readlink", path)) {
                n = LIBC.readlinkat(at.dirfd(), at.name(), buf, 4096);
                if (n < 0) throw fail("readlink", path);
            }
        }
        if (n < 0) throw fail("readlink", path);
        byte[] bytes = new byte[(int) n];
        buf.get(0, bytes, 0, bytes.length);
        return Names.decode(bytes);
    }

    public static void link(String existing, String newPath) {
        byte[] from = cString(existing), to = cString(newPath);
        if (fits(from) && fits(to)) {
            check(LIBC.link(from, to), "link", newPath);
            return;
        }
        try (At a = at(from, "link", existing); At b = at(to, "link", newPath)) {
            check(LIBC.linkat(a.dirfd(), a.name(), b.dirfd(), b.name(), 0), "link", newPath);
        }
    }

    public static void rename(String from, String to) {
        byte[] a = cString(from), b = cString(to);
        if (fits(a) && fits(b)) check(LIBC.rename(a, b), "rename", from);
        else rename(from, to, 0);
    }

    /** renameat2(2) with RENAME_* flags. */
    public static void rename(String from, String to, int flags) {
        try (At a = at(cString(from), "rename", from); At b = at(cString(to), "rename", to)) {
            check(LIBC.renameat2(a.dirfd(), a.name(), b.dirfd(), b.name(), flags), "rename", from);
        }
    }

    public static void mknod(String path, int mode, long rdev) {
        byte[] p = cString(path);
        if (fits(p)) {
            check(LIBC.mknod(p, mode, rdev), "mknod", path);
            return;
        }
        try (At at = at(p, "mknod", path)) {
            check(LIBC.mknodat(at.dirfd(), at.name(), mode, rdev), "mknod", path);
        }
    }

    public static void truncate(String path, long length) {
        byte[] p = cString(path);
        if (fits(p)) {
            check(LIBC.truncate(p, length), "truncate", path);
            return;
        }
        // No truncateat: open it (never waiting on a FIFO, which truncate refuses anyway).
        int fd;
        try (At at = at(p, "truncate", path)) {
            fd = LIBC.openat(at.dirfd(), at.name(), O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC, 0);
            if (fd < 0) throw fail("truncate", path);
        }
        try {
            check(LIBC.ftruncate(fd, length), "truncate", path);
        } finally {
            LIBC.close(fd);
        }
    }

    /** All names in a directory but "." and "..", with their d_type. */
    public static List<DirEntry> readDir(String path) {
        Pointer dir = opendir(path);
        try {
            List<DirEntry> out = new ArrayList<>();
            byte[] name = new byte[NAME_BYTES];
            for (Pointer d = LIBC.readdir(dir); d != null && d.address() != 0; d = LIBC.readdir(dir)) {
                // The bytes, then Names: exact for names that are not UTF-8, and no CharsetDecoder
                // (jnr's getString makes five objects per name where this makes the String alone).
                int length = d.indexOf(19, (byte) 0, NAME_BYTES);
                if (length < 0) length = NAME_BYTES;
                d.get(19, name, 0, length);
                if (isDotOrDotDot(name, length)) continue;
                out.add(new DirEntry(Names.decode(name, 0, length), d.getByte(18) & 0xff, d.getLong(0)));
            }
            return out;
        } finally {
            LIBC.closedir(dir);
        }
    }

    private static Pointer opendir(String path) {
        byte[] p = cString(path);
        if (fits(p)) {
            Pointer dir = LIBC.opendir(p);
            if (dir == null || dir.address() == 0) throw fail("opendir", path);
            return dir;
        }
        int fd;
        try (At at = at(p, "opendir", path)) {
            fd = LIBC.openat(at.dirfd(), at.name(), O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
            if (fd < 0) throw fail("opendir", path);
        }
        Pointer dir = LIBC.fdopendir(fd);
        if (dir == null || dir.address() == 0) {
            FsException e = fail("opendir", path);
            LIBC.close(fd);
            throw e;
        }
        return dir;
    }

    /** struct dirent's d_name: NAME_MAX bytes and a NUL. */
    private static final int NAME_BYTES = 256;

    private static boolean isDotOrDotDot(byte[] name, int length) {
        return length > 0 && length <= 2 && name[0] == '.' && (length == 1 || name[1] == '.');
    }

    // ---- file descriptors ----------------------------------------------------------------------

    public static int open(String path, int flags, int mode) {
        byte[] p = cString(path);
        if (fits(p)) {
            int fd = LIBC.open(p, flags | O_CLOEXEC, mode);
            if (fd < 0) throw fail("open", path);
            return fd;
        }
        try (At at = at(p, "open", path)) {
            int fd = LIBC.openat(at.dirfd(), at.name(), flags | O_CLOEXEC, mode);
            if (fd < 0) throw fail("open", path);
            return fd;
        }
    }

    /** A pipe whose ends are non-blocking and close on exec: {read end, write end}. */
    public static int[] pipe() {
        int[] fds = new int[2];
        check(LIBC.pipe2(fds, O_CLOEXEC | O_NONBLOCK), "pipe", "");
        return fds;
    }

    public static int read(int fd, Pointer buf, long count) {
        long n = LIBC.read(fd, buf, count);
        if (n < 0) throw fail("read", "fd " + fd);
        return (int) n;
    }

    public static void write(int fd, Pointer buf, long count) {
        long n = LIBC.write(fd, buf, count);
        if (n < 0) throw fail("write", "fd " + fd);
        if (n != count) throw new FsException(Errno.EIO, "write fd " + fd + ": short write");
    }

    /**
     * A read that returns -1 instead of throwing when nothing is there yet (EAGAIN on a
     * non-blocking descriptor): the polling loop asks thousands of times a second.
     */
    public static int readIfReady(int fd, Pointer buf, long count) {
        long n = LIBC.read(fd, buf, count);
        if (n >= 0) return (int) n;
        int e = errno();
        if (e == Errno.EAGAIN || e == Errno.EINTR) return -1;
        throw new FsException(e, "read fd " + fd);
    }

    /** io_uring_setup(2), the same number on x86_64 and aarch64: the ring's descriptor. */
    public static int ioUringSetup(int entries, Pointer params) {
        long fd = LIBC.syscall(425, entries, params.address(), 0, 0, 0, 0);
        if (fd < 0) throw fail("io_uring_setup", "");
        return (int) fd;
    }

    /** io_uring_enter(2): SQEs the kernel took, or -errno (EINTR: a signal came while waiting). */
    public static int ioUringEnter(int ringFd, int toSubmit, int minComplete, int flags) {
        long n = LIBC.syscall(426, ringFd, toSubmit, minComplete, flags, 0, 0);
        return n < 0 ? -errno() : (int) n;
    }

    private static final int PROT_READ_WRITE = 3, MAP_SHARED = 1, MAP_POPULATE = 0x8000;

    /** Maps {@code length} bytes of {@code fd} at {@code offset}, shared (the rings of an io_uring). */
    public static Pointer mapShared(int fd, long length, long offset) {
        Pointer p = LIBC.mmap(null, length, PROT_READ_WRITE, MAP_SHARED | MAP_POPULATE, fd, offset);
        if (p == null || p.address() == -1L) throw fail("mmap", "fd " + fd);
        return p;
    }

    public static void unmap(Pointer p, long length) {
        LIBC.munmap(p, length);
    }

    /** Keeps the calling thread on one CPU; false if the kernel refuses (a cpuset without it). */
    public static boolean pinToCpu(int cpu) {
        long[] mask = new long[cpu / 64 + 1];
        mask[cpu / 64] = 1L << (cpu % 64);
        return LIBC.sched_setaffinity(0, mask.length * 8L, mask) == 0;
    }

    public static void close(int fd) {
        check(LIBC.close(fd), "close", "fd " + fd);
    }

    private static final int POSIX_FADV_WILLNEED = 3;

    /**
     * Asks the kernel to start reading {@code len} bytes of {@code fd} into the page cache and
     * returns without waiting for the disk (it may wait for the metadata that locates the data).
     * A hint: its failure is not an error anyone must hear of, so this returns false instead.
     */
    public static boolean willNeed(int fd, long len) {
        return LIBC.posix_fadvise(fd, 0, len, POSIX_FADV_WILLNEED) == 0;
    }

    public static int pread(int fd, Pointer buf, long count, long offset) {
        long n = LIBC.pread(fd, buf, count, offset);
        if (n < 0) throw fail("read", "fd " + fd);
        return (int) n;
    }

    /**
     * Writes the first {@code length} bytes of {@code src} at the file position of {@code fd}, all
     * of them. For files named by layer paths, which {@code java.nio.file} cannot open when a
     * name is not UTF-8; through the per-thread native buffer, as {@link #readFully} reads.
     */
    public static void writeFully(int fd, byte[] src, int length) {
        if (length > src.length) throw new IndexOutOfBoundsException(length + " > " + src.length);
        Pointer buf = ioBuffer(length);
        buf.put(0, src, 0, length);
        int done = 0;
        while (done < length) {
            long n = LIBC.write(fd, done == 0 ? buf : buf.slice(done), length - done);
            if (n < 0) {
                if (errno() == Errno.EINTR) continue;
                throw fail("write", "fd " + fd);
            }
            done += (int) n;
        }
    }

    /** This thread's native buffer for copies from and to Java arrays, at least {@code size} bytes. */
    private static Pointer ioBuffer(int size) {
        Pointer buf = IO_BUFFER.get();
        if (buf.size() < size) {
            buf = Memory.allocateDirect(RUNTIME, Math.max(size, (int) buf.size() * 2));
            IO_BUFFER.set(buf);
        }
        return buf;
    }

    /**
     * Reads {@code dst.length} bytes from offset 0 of {@code fd}, fewer only if the file ends
     * first; returns how many. Through a per-thread native buffer, grown as needed.
     */
    public static int readFully(int fd, byte[] dst) {
        return readFully(fd, dst, dst.length, 0);
    }

    /**
     * Reads {@code length} bytes at {@code offset} of {@code fd} into the start of {@code dst},
     * fewer only if the file ends first; returns how many. For files named by layer paths, which
     * {@code java.nio.file} cannot open when a name is not UTF-8.
     */
    public static int readFully(int fd, byte[] dst, int length, long offset) {
        if (length > dst.length) throw new IndexOutOfBoundsException(length + " > " + dst.length);
        Pointer buf = ioBuffer(length);
        int done = 0;
        while (done < length) {
            long n = LIBC.pread(fd, done == 0 ? buf : buf.slice(done), length - done, offset + done);
            if (n < 0) throw fail("read", "fd " + fd);
            if (n == 0) break;
            done += (int) n;
        }
        buf.get(0, dst, 0, done);
        return done;
    }

    public static int pwrite(int fd, Pointer buf, long count, long offset) {
        long n = LIBC.pwrite(fd, buf, count, offset);
        if (n < 0) throw fail("write", "fd " + fd);
        return (int) n;
    }

    public static void fsync(int fd, boolean dataOnly) {
        check(dataOnly ? LIBC.fdatasync(fd) : LIBC.fsync(fd), "fsync", "fd " + fd);
    }

    public static void ftruncate(int fd, long length) {
        check(LIBC.ftruncate(fd, length), "truncate", "fd " + fd);
    }

    /** What {@link #copyData} moves per call: the kernel's writeback of each starts as the next is copied. */
    private static final long COPY_CHUNK = 8 << 20;
    private static final int SEEK_DATA = 3, SEEK_HOLE = 4;
    private static final int SYNC_FILE_RANGE_WRITE = 2;

    /**
     * Copies {@code length} bytes from the start of one file to another: copy_file_range(2), which
     * reflinks or copies in the kernel, falling back to a pread/pwrite loop where it is refused.
     * Only the data the source holds is copied: its holes (found with SEEK_DATA and SEEK_HOLE)
     * stay holes, as overlayfs keeps them, so a sparse file does not take its full size on disk.
     * {@code durable}: the copy is on disk when this returns (fsync), as overlayfs makes its
     * copy-ups. The disk's writing of each chunk starts while the next one is copied, so the
     * fsync at the end waits for the last chunks only, not for the whole file. Gives up with
     * EINTR between chunks once the request this thread serves is cancelled ({@link Cancellation}).
     */
    public static void copyData(int in, int out, long length, boolean durable) {
        long copied = 0;
        for (long pos = 0; pos < length; ) {
            long data = seekData(in, pos, length);
            if (data >= length) break;
            long end = Math.min(seekHole(in, data, length), length);
            copied = copyRange(in, out, data, end, durable);
            if (copied < end) break; // the source shrank under us
            pos = end;
        }
        if (copied < length) ftruncate(out, length); // a hole at the end
        if (durable) fsync(out, false);
    }

    /** Where the next data at or after {@code pos} begins: {@code length} if only a hole follows. */
    private static long seekData(int fd, long pos, long length) {
        long rc = LIBC.lseek(fd, pos, SEEK_DATA);
        if (rc >= 0) return rc;
        return errno() == Errno.ENXIO ? length : pos; // a filesystem that cannot tell: all data
    }

    private static long seekHole(int fd, long pos, long length) {
        long rc = LIBC.lseek(fd, pos, SEEK_HOLE);
        return rc > pos ? rc : length;
    }

    /** Copies bytes {@code from} to {@code to} at the same offsets; the offset it got to. */
    private static long copyRange(int in, int out, long from, long to, boolean durable) {
        long[] offIn = {from}, offOut = {from};
        while (offIn[0] < to) {
            Cancellation.check();
            long start = offIn[0];
            long n = LIBC.copy_file_range(in, offIn, out, offOut, Math.min(to - start, COPY_CHUNK), 0);
            if (n < 0) {
                int e = errno();
                if (e == Errno.EXDEV || e == Errno.ENOSYS || e == Errno.EOPNOTSUPP || e == Errno.EINVAL) {
                    return copyByLoop(in, out, start, to);
                }
                throw new FsException(e, "copy_file_range");
            }
            if (n == 0) break;
            if (durable) LIBC.sync_file_range(out, start, n, SYNC_FILE_RANGE_WRITE); // a head start only: failures are the fsync's to report
        }
        return offIn[0];
    }

    private static long copyByLoop(int in, int out, long from, long to) {
        Pointer buf = Memory.allocateDirect(RUNTIME, 1 << 20);
        long off = from;
        while (off < to) {
            Cancellation.check();
            int n = pread(in, buf, Math.min(1 << 20, to - off), off);
            if (n == 0) break;
            for (int w = 0; w < n; ) w += pwrite(out, buf.slice(w), n - w, off + w);
            off += n;
        }
        return off;
    }

    // ---- extended attributes (l* calls: never follow symlinks) ---------------------------------

    /** The value of an xattr, or null if the entry has none of that name. */
    public static byte[] getxattr(String path, String name) {
        byte[] n = cString(name);
        try (At at = at(cString(path), "getxattr", path)) {
            return xattrValue(at.viaProc(), -1, n, path);
        }
    }

    /** {@link #getxattr} of an open file: no path lookup. */
    public static byte[] fgetxattr(int fd, String name) {
        return xattrValue(null, fd, cString(name), null);
    }

    /** A getxattr or listxattr call: fills {@code buf} (up to {@code size}), or with a null buf, gives the size. */
    private interface XattrCall {
        long call(Pointer buf, long size);
    }

    /**
     * Reads a value of the entry at {@code path}, or else of descriptor {@code fd}, into the
     * scratch buffer, or into one of its size if it is bigger. No lambda and no message made per
     * call: the kernel asks for security.capability before writes, one GETXATTR after another.
     */
    private static byte[] xattrValue(byte[] path, int fd, byte[] name, String shownPath) {
        Pointer buf = scratch().pointer();
        long n = getxattr(path, fd, name, buf, 4096);
        if (n < 0 && errno() == Errno.ERANGE) {
            long size = getxattr(path, fd, name, null, 0);
            if (size < 0) throw new FsException(errno(), getxattrFailed(shownPath, fd));
            buf = Memory.allocateDirect(RUNTIME, (int) size + 1);
            n = getxattr(path, fd, name, buf, size);
        }
        if (n < 0) {
            int e = errno();
            if (e == Errno.ENODATA || e == Errno.EOPNOTSUPP) return null;
            throw new FsException(e, getxattrFailed(shownPath, fd));
        }
        byte[] v = new byte[(int) n];
        buf.get(0, v, 0, v.length);
        return v;
    }

    public static void setxattr(String path, String name, byte[] value, int flags) {
        Pointer buf = Memory.allocateDirect(RUNTIME, Math.max(1, value.length));
        buf.put(0, value, 0, value.length);
        try (At at = at(cString(path), "setxattr", path)) {
            check(LIBC.lsetxattr(at.viaProc(), cString(name), buf, value.length, flags), "setxattr", path);
        }
    }

    public static List<String> listxattr(String path) {
        try (At at = at(cString(path), "listxattr", path)) {
            byte[] p = at.viaProc();
            return xattrList("listxattr " + path, (buf, size) -> LIBC.llistxattr(p, buf, size));
        }
    }

    /** {@link #listxattr} of an open file: no path lookup. */
    public static List<String> flistxattr(int fd) {
        return xattrList("listxattr fd " + fd, (buf, size) -> LIBC.flistxattr(fd, buf, size));
    }

    private static long getxattr(byte[] path, int fd, byte[] name, Pointer buf, long size) {
        return path != null ? LIBC.lgetxattr(path, name, buf, size) : LIBC.fgetxattr(fd, name, buf, size);
    }

    private static String getxattrFailed(String path, int fd) {
        return path != null ? "getxattr " + path : "getxattr fd " + fd;
    }

    /** Asks the size, then the names (none where the filesystem has no xattrs). */
    private static List<String> xattrList(String what, XattrCall listxattr) {
        long size = listxattr.call(null, 0);
        if (size < 0) {
            if (errno() == Errno.EOPNOTSUPP) return List.of();
            throw new FsException(errno(), what);
        }
        if (size == 0) return new ArrayList<>();
        Pointer buf = Memory.allocateDirect(RUNTIME, (int) size);
        long n = listxattr.call(buf, size);
        if (n < 0) throw new FsException(errno(), what);
        return xattrNames(buf, n);
    }

    /** The names of a listxattr(2) answer: NUL-terminated, one after the other. */
    private static List<String> xattrNames(Pointer buf, long n) {
        List<String> names = new ArrayList<>();
        byte[] raw = new byte[(int) n];
        buf.get(0, raw, 0, raw.length);
        int start = 0;
        for (int i = 0; i < raw.length; i++) {
            if (raw[i] == 0) {
                if (i > start) names.add(Names.decode(raw, start, i - start));
                start = i + 1;
            }
        }
        return names;
    }

    public static void removexattr(String path, String name) {
        try (At at = at(cString(path), "removexattr", path)) {
            check(LIBC.lremovexattr(at.viaProc(), cString(name)), "removexattr", path);
        }
    }

    // ---- process -------------------------------------------------------------------------------

    public static int umask(int mask) {
        return LIBC.umask(mask);
    }

    public static int geteuid() {
        return LIBC.geteuid();
    }

    public static int getegid() {
        return LIBC.getegid();
    }

    /** syncfs(2) on the filesystem holding {@code path}: everything written there reaches the disk. */
    public static void syncfs(String path) {
        int fd = open(path, O_RDONLY, 0);
        try {
            check(LIBC.syncfs(fd), "syncfs", path);
        } finally {
            LIBC.close(fd);
        }
    }

    /** fsync(2) of a file or directory by path (a directory's fsync makes its renames durable). */
    public static void fsyncPath(String path) {
        int fd = open(path, O_RDONLY | O_NOFOLLOW, 0);
        try {
            check(LIBC.fsync(fd), "fsync", path);
        } finally {
            LIBC.close(fd);
        }
    }

    /**
     * Points this process's stdin at /dev/null and its stdout and stderr at {@code log}
     * (truncated): what a daemon does once it no longer reports to whoever started it. Java's
     * System.out and System.err write to descriptors 1 and 2, so they follow.
     */
    public static void redirectStdio(String log) {
        int nul = open("/dev/null", O_RDONLY, 0);
        int out = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        try {
            check(LIBC.dup2(nul, 0), "dup2", "/dev/null");
            check(LIBC.dup2(out, 1), "dup2", log);
            check(LIBC.dup2(out, 2), "dup2", log);
        } finally {
            LIBC.close(nul);
            LIBC.close(out);
        }
    }

    // ---- on open descriptors: a file unlinked while open, and what only a descriptor can do ----

    public static void fchmod(int fd, int mode) {
        check(LIBC.fchmod(fd, mode), "fchmod", "fd " + fd);
    }

    public static void fchown(int fd, int uid, int gid) {
        check(LIBC.fchown(fd, uid, gid), "fchown", "fd " + fd);
    }

    /** futimens(2); a nanoseconds field may be UTIME_NOW or UTIME_OMIT. */
    public static void futimens(int fd, long atimeSec, long atimeNsec, long mtimeSec, long mtimeNsec) {
        check(LIBC.futimens(fd, new long[] {atimeSec, atimeNsec, mtimeSec, mtimeNsec}), "futimens", "fd " + fd);
    }

    public static long lseek(int fd, long offset, int whence) {
        long rc = LIBC.lseek(fd, offset, whence);
        if (rc < 0) throw fail("lseek", "fd " + fd);
        return rc;
    }

    public static void fallocate(int fd, int mode, long offset, long length) {
        check(LIBC.fallocate(fd, mode, offset, length), "fallocate", "fd " + fd);
    }

    /** copy_file_range(2) between offsets of two descriptors: the bytes copied. */
    public static long copyFileRange(int in, long offIn, int out, long offOut, long length) {
        long n = LIBC.copy_file_range(in, new long[] {offIn}, out, new long[] {offOut}, length, 0);
        if (n < 0) throw fail("copy_file_range", "fd " + in);
        return n;
    }

    /** Makes descriptor {@code to} refer to {@code from}'s file, atomically for readers of {@code to}. */
    public static void dup2(int from, int to) {
        check(LIBC.dup2(from, to), "dup2", "fd " + from);
    }

    /** mount(2). */
    public static void mount(String source, String target, String type, long flags, String data) {
        check(LIBC.mount(cString(source), cString(target), cString(type), flags, cString(data)), "mount", target);
    }

    public static void umount(String target, int flags) {
        check(LIBC.umount2(cString(target), flags), "umount", target);
    }
}
