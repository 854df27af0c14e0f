package dev.jfs.posix;

import java.nio.charset.StandardCharsets;

/**
 * Paths of PATH_MAX bytes or more, which libc refuses with ENAMETOOLONG although the kernel lets
 * a mount hold them: a merged path that fits becomes a layer path that does not once the layer's
 * root is put in front. Such a path is opened a directory at a time and the call made relative to
 * the last directory (the *at calls), as the kernel's overlayfs works from its directory handles.
 */
final class LongPaths {
    /** The longest path libc takes, its NUL included. */
    static final int PATH_MAX = 4096;
    static final int AT_FDCWD = -100;
    static final int O_PATH = 010000000;

    private LongPaths() {}

    /** Whether libc takes this NUL-terminated path as it is. */
    static boolean fits(byte[] cPath) {
        return cPath.length <= PATH_MAX;
    }

    /**
     * A path as an *at call takes it: a directory descriptor and a NUL-terminated name relative
     * to it. For a path that fits, AT_FDCWD and the path itself. Closing closes the descriptor.
     */
    record At(int dirfd, byte[] name) implements AutoCloseable {
        /**
         * The same entry as a path that fits, for calls that have no *at form (the l*xattr
         * calls): through /proc/self/fd, whose link to the directory the kernel follows.
         */
        byte[] viaProc() {
            if (dirfd == AT_FDCWD) return name;
            byte[] dir = ("/proc/self/fd/" + dirfd + "/").getBytes(StandardCharsets.US_ASCII);
            byte[] out = new byte[dir.length + name.length];
            System.arraycopy(dir, 0, out, 0, dir.length);
            System.arraycopy(name, 0, out, dir.length, name.length);
            return out;
        }

        @Override
        public void close() {
            if (dirfd != AT_FDCWD) Posix.libc().close(dirfd);
        }
    }

    /**
     * {@code cPath} (NUL-terminated) as a directory descriptor and its last name. The longest
     * prefix that fits is opened in one call, so it resolves as the short call would have (a
     * layer root reached through a symlink still works); every directory past it, inside the
     * layer, is opened one name at a time with O_NOFOLLOW, so none is followed as a symlink.
     * Failures throw {@link FsException} as "{@code op path}" with the errno of the failing step.
     */
    static At at(byte[] cPath, String op, String path) {
        if (fits(cPath)) return new At(AT_FDCWD, cPath);
        int end = cPath.length - 1; // the NUL
        int cut = lastSlashBefore(cPath, Math.min(end, PATH_MAX - 1));
        if (cut <= 0) throw new FsException(Errno.ENAMETOOLONG, op + " " + path);
        int fd = openDirectory(AT_FDCWD, cPath, 0, cut, op, path);
        try {
            int start = cut + 1;
            int last = lastComponentStart(cPath, start, end);
            while (start < last) {
                int slash = indexOf(cPath, (byte) '/', start, end);
                if (slash > start) {
                    int next = openDirectory(fd, cPath, start, slash, op, path);
                    Posix.libc().close(fd);
                    fd = next;
                }
                start = slash + 1;
            }
            byte[] name = lastName(cPath, last, end);
            At at = new At(fd, name);
            fd = -1;
            return at;
        } finally {
            if (fd >= 0) Posix.libc().close(fd);
        }
    }

    /** Opens bytes [from, to) of {@code path}, relative to {@code dirfd}, as a directory handle. */
    private static int openDirectory(int dirfd, byte[] path, int from, int to, String op, String what) {
        byte[] name = new byte[to - from + 1];
        System.arraycopy(path, from, name, 0, to - from);
        int fd = Posix.libc().openat(dirfd, name,
                O_PATH | Posix.O_DIRECTORY | Posix.O_NOFOLLOW | Posix.O_CLOEXEC, 0);
        if (fd < 0) throw new FsException(Posix.lastErrno(), op + " " + what);
        return fd;
    }

    private static int lastSlashBefore(byte[] b, int limit) {
        for (int i = limit; i > 0; i--) if (b[i] == '/') return i;
        return -1;
    }

    private static int indexOf(byte[] b, byte c, int from, int to) {
        for (int i = from; i < to; i++) if (b[i] == c) return i;
        return to;
    }

    /** Where the last non-empty name of [from, to) starts (a trailing slash is no name). */
    private static int lastComponentStart(byte[] b, int from, int to) {
        int e = to;
        while (e > from && b[e - 1] == '/') e--;
        int s = e;
        while (s > from && b[s - 1] != '/') s--;
        return s;
    }

    /** The name starting at {@code from}, up to a slash or the end, NUL-terminated; "." if none. */
    private static byte[] lastName(byte[] b, int from, int to) {
        int e = indexOf(b, (byte) '/', from, to);
        if (e == from) return new byte[] {'.', 0};
        byte[] name = new byte[e - from + 1];
        System.arraycopy(b, from, name, 0, e - from);
        return name;
    }
}
