package dev.jfs.nativetest.changes;

import dev.jfs.posix.DirEntry;
import dev.jfs.posix.Posix;
import dev.jfs.posix.Stat;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * The test's own reading of the OCI layer rules, independent of jfs's extractor: flattening
 * overlay/OCI layer directories into one plain directory, and applying a layer tar on top.
 * <ul>
 * <li>a character device 0/0 or a file {@code .wh.X} removes X from the layers below;
 * <li>{@code trusted.overlay.opaque=y} (or {@code user.}) or a file {@code .wh..wh..opq} clears
 *     the directory's contents from below;
 * <li>a non-directory replaces whatever is there (rm -rf if a directory); a directory over a
 *     directory keeps the contents and takes the new entry's metadata, xattrs included.
 * </ul>
 */
final class OciApplier {
    static final String OPQ = ".wh..wh..opq";
    static final String WH = ".wh.";

    private OciApplier() {}

    // ---- layer directories ----------------------------------------------------------------------

    /** Applies the layer directories, bottom-most first, to a fresh {@code dest}. */
    static void flatten(List<Path> bottomFirst, Path dest) throws IOException {
        Files.createDirectories(dest);
        for (Path layer : bottomFirst) applyDir(layer.toString(), dest.toString());
    }

    private static void applyDir(String src, String dst) throws IOException {
        List<DirEntry> names = Posix.readDir(src);
        for (DirEntry e : names) { // the removals first: they concern the layers below only
            if (e.name().equals(OPQ)) continue;
            if (e.name().startsWith(WH)) {
                rmrf(dst + "/" + e.name().substring(WH.length()));
                continue;
            }
            Stat st = Posix.lstat(src + "/" + e.name());
            if (st.isWhiteoutDevice()) rmrf(dst + "/" + e.name());
        }
        for (DirEntry e : names) {
            if (e.name().startsWith(WH)) continue;
            String s = src + "/" + e.name(), d = dst + "/" + e.name();
            Stat st = Posix.lstat(s);
            if (st.isWhiteoutDevice()) continue;
            Map<String, byte[]> xattrs = xattrs(s, st);
            if (st.isDirectory()) {
                Stat old = Posix.lstatOrNull(d);
                if (old == null || !old.isDirectory()) {
                    rmrf(d);
                    Posix.mkdir(d, 0700);
                } else if (isOpaqueDir(s)) {
                    for (DirEntry c : Posix.readDir(d)) rmrf(d + "/" + c.name());
                }
                metadata(d, st, xattrs, true);
                applyDir(s, d);
            } else {
                rmrf(d);
                if (st.isRegular()) {
                    Files.copy(Path.of(s), Path.of(d), StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
                } else if (st.isSymlink()) {
                    Posix.symlink(Posix.readlink(s), d);
                } else {
                    Posix.mknod(d, st.mode(), st.rdev());
                }
                metadata(d, st, xattrs, false);
            }
        }
    }

    private static boolean isOpaqueDir(String dir) {
        for (String ns : new String[] {"trusted.overlay.opaque", "user.overlay.opaque"}) {
            byte[] v = Posix.getxattr(dir, ns);
            if (v != null && new String(v, StandardCharsets.UTF_8).equals("y")) return true;
        }
        return Posix.lstatOrNull(dir + "/" + OPQ) != null;
    }

    /** The entry's xattrs that a layer carries as content (not overlay or jfs bookkeeping). */
    static Map<String, byte[]> xattrs(String path, Stat st) {
        Map<String, byte[]> out = new HashMap<>();
        if (st.isSymlink()) return out;
        for (String n : Posix.listxattr(path)) {
            if (isBookkeeping(n) || !(n.startsWith("user.") || n.startsWith("trusted."))) continue;
            byte[] v = Posix.getxattr(path, n);
            if (v != null) out.put(n, v);
        }
        return out;
    }

    static boolean isBookkeeping(String xattr) {
        return xattr.startsWith("trusted.overlay.") || xattr.startsWith("user.overlay.") || xattr.contains(".jfs.");
    }

    private static void metadata(String d, Stat st, Map<String, byte[]> xattrs, boolean dir) {
        setMetadata(d, st.mode() & 07777, st.uid(), st.gid(), xattrs, dir ? -1 : st.mtimeSec(), st.isSymlink());
    }

    private static void setMetadata(String d, int perms, int uid, int gid, Map<String, byte[]> xattrs, long mtime,
            boolean symlink) {
        Posix.lchown(d, uid, gid);
        if (!symlink) {
            Posix.chmod(d, perms); // after chown, which clears set-id bits
            for (String n : Posix.listxattr(d)) {
                if ((n.startsWith("user.") || n.startsWith("trusted.")) && !xattrs.containsKey(n)) Posix.removexattr(d, n);
            }
        }
        // A symlink holds no user.* xattrs, but security.* ones (setcap on a symlink): l* calls set them.
        for (Map.Entry<String, byte[]> x : xattrs.entrySet()) Posix.setxattr(d, x.getKey(), x.getValue(), 0);
        if (mtime >= 0) Posix.utimens(d, mtime, 0, mtime, 0);
    }

    static void rmrf(String p) {
        Stat st = Posix.lstatOrNull(p);
        if (st == null) return;
        if (st.isDirectory()) {
            for (DirEntry e : Posix.readDir(p)) rmrf(p + "/" + e.name());
            Posix.rmdir(p);
        } else {
            Posix.unlink(p);
        }
    }

    // ---- a layer tar ------------------------------------------------------------------------------

    /** Applies an uncompressed layer tar on {@code dest}; throws on what no applier could do. */
    static void applyTar(InputStream in, Path dest) throws IOException {
        applyTar(in, dest, null);
    }

    /**
     * As above, the xattrs of entry i taken from {@code rawXattrs.get(i)} (exact bytes, see
     * {@link LayerTar}) instead of commons-compress's UTF-8 decoding of them, if not null.
     */
    static void applyTar(InputStream in, Path dest, List<Map<String, byte[]>> rawXattrs) throws IOException {
        String root = dest.toString();
        Set<String> fromTar = new HashSet<>();
        TarArchiveInputStream tar = new TarArchiveInputStream(in, StandardCharsets.UTF_8.name());
        int index = -1;
        for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
            index++;
            String name = e.getName();
            if (name.endsWith("/")) name = name.substring(0, name.length() - 1);
            String parentRel = name.contains("/") ? name.substring(0, name.lastIndexOf('/')) : "";
            String base = name.substring(name.lastIndexOf('/') + 1);
            String parent = parentRel.isEmpty() ? root : root + "/" + parentRel;
            Stat ps = Posix.lstatOrNull(parent);
            if (ps == null || !ps.isDirectory()) throw new AssertionError("tar entry " + e.getName() + ": no parent directory");
            String d = root + "/" + name;
            if (base.equals(OPQ)) {
                for (DirEntry c : Posix.readDir(parent)) {
                    String rel = parentRel.isEmpty() ? c.name() : parentRel + "/" + c.name();
                    if (!fromTar.contains(rel)) rmrf(parent + "/" + c.name());
                }
                continue;
            }
            if (base.startsWith(WH)) {
                rmrf(parent + "/" + base.substring(WH.length()));
                continue;
            }
            Map<String, byte[]> xattrs = new HashMap<>();
            if (rawXattrs != null) {
                xattrs.putAll(rawXattrs.get(index));
            } else {
                for (Map.Entry<String, String> h : e.getExtraPaxHeaders().entrySet()) {
                    if (h.getKey().startsWith("SCHILY.xattr.")) {
                        xattrs.put(h.getKey().substring("SCHILY.xattr.".length()), h.getValue().getBytes(StandardCharsets.UTF_8));
                    }
                }
            }
            int perms = e.getMode() & 07777;
            long mtime = e.getLastModifiedTime().toInstant().getEpochSecond();
            if (e.isDirectory()) {
                Stat old = Posix.lstatOrNull(d);
                if (old == null || !old.isDirectory()) {
                    rmrf(d);
                    Posix.mkdir(d, 0700);
                }
                setMetadata(d, perms, (int) e.getLongUserId(), (int) e.getLongGroupId(), xattrs, -1, false);
            } else if (e.isLink()) {
                rmrf(d);
                String target = e.getLinkName();
                if (!fromTar.contains(target)) throw new AssertionError("hard link " + name + " -> " + target
                        + ": the target is not an earlier entry of this tar");
                Posix.link(root + "/" + target, d);
            } else {
                rmrf(d);
                byte type = typeFlag(e);
                if (type == '0') {
                    Files.copy(tar, Path.of(d));
                } else if (e.isSymbolicLink()) {
                    Posix.symlink(e.getLinkName(), d);
                } else if (e.isCharacterDevice() || e.isBlockDevice()) {
                    Posix.mknod(d, (e.isCharacterDevice() ? Stat.S_IFCHR : Stat.S_IFBLK) | perms,
                            makedev(e.getDevMajor(), e.getDevMinor()));
                } else if (e.isFIFO()) {
                    Posix.mknod(d, Stat.S_IFIFO | perms, 0);
                } else {
                    throw new AssertionError("tar entry " + e.getName() + ": unexpected type " + (char) type);
                }
                setMetadata(d, perms, (int) e.getLongUserId(), (int) e.getLongGroupId(), xattrs, mtime, e.isSymbolicLink());
            }
            fromTar.add(name);
        }
    }

    static byte typeFlag(TarArchiveEntry e) {
        if (e.isDirectory()) return '5';
        if (e.isLink()) return '1';
        if (e.isSymbolicLink()) return '2';
        if (e.isCharacterDevice()) return '3';
        if (e.isBlockDevice()) return '4';
        if (e.isFIFO()) return '6';
        // isFile() answers true for FIFOs and the like too: the other types are asked first.
        return e.isFile() ? (byte) '0' : (byte) '?';
    }

    static long makedev(long major, long minor) {
        return ((major & 0xfffff000L) << 32) | ((major & 0xfffL) << 8) | ((minor & 0xffffff00L) << 12) | (minor & 0xffL);
    }
}
