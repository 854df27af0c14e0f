package dev.jfs.nativetest.kernel;

import dev.jfs.posix.DirEntry;
import dev.jfs.posix.FsException;
import dev.jfs.posix.Posix;
import dev.jfs.posix.Stat;
import java.nio.charset.StandardCharsets;

/**
 * One operation a process can make, applied to a mount root through raw libc calls, so that
 * the result compared is the exact errno (0 for success).
 */
public record Operation(String kind, String path, String other, long number, byte[] data) {
    static final String CAPABILITY = "security.capability";
    /** struct vfs_cap_data, revision 2: effective, CAP_NET_BIND_SERVICE permitted. */
    static final byte[] CAP_NET_BIND_SERVICE = {1, 0, 0, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};

    @Override
    public String toString() {
        return kind + " " + path + (other != null ? " " + other : "") + (number != 0 ? " " + number : "")
                + (data != null ? " (" + data.length + " bytes)" : "");
    }

    public int applyTo(String root) {
        try {
            run(root, root + path, other == null ? null : root + other);
            return 0;
        } catch (FsException e) {
            return e.errno();
        }
    }

    private void run(String root, String p, String q) {
        int nb = Posix.O_NONBLOCK; // never block on a FIFO
        switch (kind) {
            case "write" -> writeAt(Posix.open(p, Posix.O_WRONLY | Posix.O_CREAT | Posix.O_TRUNC | nb, 0644), 0);
            case "append" -> writeAt(Posix.open(p, Posix.O_WRONLY | Posix.O_APPEND | nb, 0), 0);
            case "pwrite" -> writeAt(Posix.open(p, Posix.O_RDWR | nb, 0), number);
            case "truncate" -> Posix.truncate(p, number);
            case "open-trunc" -> Posix.close(Posix.open(p, Posix.O_WRONLY | Posix.O_TRUNC | nb, 0));
            case "create" -> Posix.close(Posix.open(p, Posix.O_WRONLY | Posix.O_CREAT | Posix.O_EXCL | nb, (int) number));
            case "unlink" -> Posix.unlink(p);
            case "rm-r" -> removeTree(p);
            case "mkdir" -> Posix.mkdir(p, (int) number);
            case "rmdir" -> Posix.rmdir(p);
            case "recreate-dir" -> {
                removeTree(p);
                Posix.mkdir(p, 0755);
                Posix.close(Posix.open(p + "/made-again", Posix.O_WRONLY | Posix.O_CREAT, 0644));
            }
            case "rename" -> Posix.rename(p, q);
            case "exchange" -> Posix.rename(p, q, Posix.RENAME_EXCHANGE);
            case "chmod" -> Posix.chmod(p, (int) number);
            case "chown" -> Posix.lchown(p, (int) number, (int) (number / 2));
            case "symlink" -> Posix.symlink(other, p);
            case "link" -> Posix.link(p, q);
            case "setxattr" -> Posix.setxattr(p, "user.t" + (number % 3), data, 0);
            case "removexattr" -> Posix.removexattr(p, "user.t" + (number % 3));
            case "setcap" -> { // as setcap does; a write, truncate or chown then drops it
                if (Posix.lstatOrNull(p) == null) writeAt(Posix.open(p, Posix.O_WRONLY | Posix.O_CREAT | nb, 0755), 0);
                Posix.setxattr(p, CAPABILITY, CAP_NET_BIND_SERVICE, 0);
            }
            case "mkfifo" -> Posix.mknod(p, Stat.S_IFIFO | 0640, 0);
            case "utimes" -> Posix.utimens(p, number, 0, number + 1, 500);
            default -> throw new IllegalArgumentException(kind);
        }
    }

    private void writeAt(int fd, long offset) {
        try {
            if (Posix.libc().pwrite(fd, data, data.length, offset) < 0) {
                throw new FsException(jnr.ffi.Runtime.getRuntime(Posix.libc()).getLastError(), "write");
            }
        } finally {
            Posix.close(fd);
        }
    }

    /** rm -r through the mount: children first; the first failure ends it. */
    private static void removeTree(String p) {
        Stat st = Posix.lstat(p);
        if (st.isDirectory()) {
            for (DirEntry e : Posix.readDir(p)) removeTree(p + "/" + e.name());
            Posix.rmdir(p);
        } else {
            Posix.unlink(p);
        }
    }

    public static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
