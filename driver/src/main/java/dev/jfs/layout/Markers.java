package dev.jfs.layout;

import dev.jfs.posix.Names;
import dev.jfs.posix.Posix;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Reading the union markers a layer directory may hold, in every format SPEC 2 lists:
 * whiteouts (char device 0/0 or {@code .wh.NAME}), opaque directories ({@code *.overlay.opaque=y}
 * or {@code .wh..wh..opq}), overlayfs redirects, and jfs's own origin inode numbers.
 */
public final class Markers {
    public static final String WHITEOUT_PREFIX = ".wh.";
    private static final int NAME_MAX = 255;

    /**
     * Whether {@code name} can have a {@code .wh.} whiteout file beside it: a name within 4 bytes
     * of NAME_MAX cannot, so probing for one (ENAMETOOLONG) means "no whiteout".
     */
    public static boolean fitsWhiteoutFile(String name) {
        return dev.jfs.posix.Names.encode(name).length + WHITEOUT_PREFIX.length() <= NAME_MAX;
    }
    public static final String OPAQUE_MARKER = ".wh..wh..opq";

    static final String TRUSTED_OVERLAY = "trusted.overlay.";
    static final String USER_OVERLAY = "user.overlay.";
    static final String TRUSTED_JFS = "trusted.jfs.";
    static final String USER_JFS = "user.jfs.";

    private Markers() {}

    /** xattrs that are the union's own bookkeeping: never shown through the mount nor committed. */
    public static boolean isInternalXattr(String name) {
        return name.startsWith(TRUSTED_OVERLAY) || name.startsWith(USER_OVERLAY)
                || name.startsWith(TRUSTED_JFS) || name.startsWith(USER_JFS);
    }

    /** True for names that only a marker can have: {@code .wh.*}. */
    public static boolean isMarkerName(String name) {
        return name.startsWith(WHITEOUT_PREFIX);
    }

    /** The name a {@code .wh.NAME} file whites out, or null if {@code name} is not such a file. */
    public static String whitedOutName(String name) {
        if (!name.startsWith(WHITEOUT_PREFIX) || name.equals(OPAQUE_MARKER)) return null;
        String hidden = name.substring(WHITEOUT_PREFIX.length());
        return hidden.isEmpty() ? null : hidden;
    }

    /** Whether the directory at this real path is opaque, by xattr or by marker file. */
    public static boolean isOpaque(String dirPath) {
        return isOpaqueByXattr(dirPath) || Posix.lstatOrNull(dirPath + "/" + OPAQUE_MARKER) != null;
    }

    /**
     * Whether any of these xattr names (listxattr) is an overlay marker: without one, a directory
     * is neither opaque by xattr nor redirected. (Unprivileged, trusted.* is neither listed nor
     * readable: the same answer either way.)
     */
    public static boolean anyOverlayXattr(List<String> names) {
        for (String n : names) {
            if (n.startsWith(TRUSTED_OVERLAY) || n.startsWith(USER_OVERLAY)) return true;
        }
        return false;
    }

    /** The opaque xattr alone, for callers that already saw the directory's names. */
    public static boolean isOpaqueByXattr(String dirPath) {
        return isY(Posix.getxattr(dirPath, TRUSTED_OVERLAY + "opaque"))
                || isY(Posix.getxattr(dirPath, USER_OVERLAY + "opaque"));
    }

    private static boolean isY(byte[] v) {
        return v != null && v.length == 1 && v[0] == 'y';
    }

    /**
     * The overlayfs redirect of a directory (where lower layers hold its contents), or null.
     * Absolute redirects come back as {@code /a/b} (one leading slash), relative ones (a bare
     * name, written by kernels for renames within one directory) as the name: the two are looked
     * up differently ({@code UnionView}). A relative redirect holding a slash is not one the
     * kernel writes or follows: null.
     */
    public static String redirect(String dirRealPath) {
        byte[] v = Posix.getxattr(dirRealPath, TRUSTED_OVERLAY + "redirect");
        if (v == null) v = Posix.getxattr(dirRealPath, USER_OVERLAY + "redirect");
        if (v == null || v.length == 0) return null;
        String r = Names.decode(v); // a path of names, bytes as they are
        if (r.startsWith("/")) return "/" + r.replaceAll("^/+", "");
        return r.contains("/") ? null : r;
    }

    /**
     * The link count recorded on an upper inode, as overlayfs writes it ({@code U+n}, {@code U-n}:
     * relative to the inode's own count; {@code L+n} relative to its lower's), or null.
     */
    public static String linkCount(String realPath) {
        byte[] v = Posix.getxattr(realPath, TRUSTED_OVERLAY + "nlink");
        if (v == null) v = Posix.getxattr(realPath, USER_OVERLAY + "nlink");
        return v == null ? null : new String(v, StandardCharsets.US_ASCII);
    }

    /** The origin inode number jfs recorded at copy-up, or -1. */
    public static long origin(String realPath) {
        byte[] v = Posix.getxattr(realPath, TRUSTED_JFS + "ino");
        if (v == null) v = Posix.getxattr(realPath, USER_JFS + "ino");
        if (v == null) return -1;
        try {
            return Long.parseLong(new String(v, StandardCharsets.US_ASCII));
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
