package dev.jfs.layout;

import dev.jfs.posix.Errno;
import dev.jfs.posix.FsException;
import dev.jfs.posix.Names;
import dev.jfs.posix.Posix;
import dev.jfs.posix.Stat;
import java.nio.charset.StandardCharsets;

/**
 * How jfs writes markers into the upper layer. {@link #KERNEL} is overlayfs's own format
 * (char device 0/0 whiteouts, {@code trusted.overlay.*} xattrs) so that the same upper also mounts
 * with the kernel; it needs CAP_MKNOD and CAP_SYS_ADMIN. {@link #FILES} is the OCI spelling
 * ({@code .wh.NAME}, {@code .wh..wh..opq}) with {@code user.*} xattrs, for unprivileged mounts.
 */
public enum UpperFormat {
    KERNEL(Markers.TRUSTED_OVERLAY, Markers.TRUSTED_JFS),
    FILES(Markers.USER_OVERLAY, Markers.USER_JFS);

    private final String overlayPrefix;
    private final String jfsPrefix;

    UpperFormat(String overlayPrefix, String jfsPrefix) {
        this.overlayPrefix = overlayPrefix;
        this.jfsPrefix = jfsPrefix;
    }

    /** The kernel format if this process may write it in {@code scratchDir}, else the file format. */
    public static UpperFormat probe(String scratchDir) {
        String probe = scratchDir + "/.jfs-probe-" + ProcessHandle.current().pid();
        try {
            Posix.mknod(probe, Stat.S_IFCHR, 0);
            Posix.setxattr(probe, Markers.TRUSTED_OVERLAY + "probe", new byte[] {'y'}, 0);
            return KERNEL;
        } catch (FsException e) {
            return FILES;
        } finally {
            if (Posix.lstatOrNull(probe) != null) Posix.unlink(probe);
        }
    }

    /** Writes a whiteout for {@code name} in the real directory {@code dir}. */
    public void writeWhiteout(String dir, String name) {
        if (this == KERNEL) {
            Posix.mknod(dir + "/" + name, Stat.S_IFCHR, 0);
        } else {
            int fd = Posix.open(dir + "/" + Markers.WHITEOUT_PREFIX + name,
                    Posix.O_WRONLY | Posix.O_CREAT | Posix.O_EXCL, 0);
            Posix.close(fd);
        }
    }

    /** Marks a real directory opaque. */
    public void makeOpaque(String dirPath) {
        if (this == KERNEL) {
            Posix.setxattr(dirPath, overlayPrefix + "opaque", new byte[] {'y'}, 0);
        } else {
            int fd = Posix.open(dirPath + "/" + Markers.OPAQUE_MARKER, Posix.O_WRONLY | Posix.O_CREAT, 0);
            Posix.close(fd);
        }
    }

    /** Records where lower layers hold a renamed directory's contents (absolute, as overlayfs writes). */
    public void setRedirect(String dirPath, String lowerPath) {
        Posix.setxattr(dirPath, overlayPrefix + "redirect",
                Names.encode("/" + lowerPath), 0);
    }

    /**
     * Records how many names the union shows for an upper inode, relative to its own count
     * ({@code U+n} or {@code U-n}, as overlayfs writes {@code overlay.nlink}), for the next mount.
     * A symlink cannot carry user xattrs: unprivileged, its count is kept for this mount only.
     */
    public void setLinkCount(String path, long unionNames, long ownNames) {
        byte[] v = String.format("U%+d", unionNames - ownNames).getBytes(StandardCharsets.US_ASCII);
        try {
            Posix.setxattr(path, overlayPrefix + "nlink", v, 0);
        } catch (FsException e) {
            if (e.errno() != Errno.EPERM && e.errno() != Errno.EOPNOTSUPP) throw e;
        }
    }

    /**
     * Records the inode number an entry had before copy-up, so st_ino survives it. Entries that
     * cannot carry user xattrs (symlinks, devices without privilege) keep their own number.
     */
    public void setOrigin(String path, long ino) {
        try {
            Posix.setxattr(path, jfsPrefix + "ino", Long.toString(ino).getBytes(StandardCharsets.US_ASCII), 0);
        } catch (FsException e) {
            if (e.errno() != Errno.EPERM && e.errno() != Errno.EOPNOTSUPP) throw e;
        }
    }
}
