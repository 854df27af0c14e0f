package dev.jfs.nativetest.kernel;

import dev.jfs.posix.DirEntry;
import dev.jfs.posix.Posix;
import dev.jfs.posix.Stat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a user can see of a merged tree, path by path: type, permissions, owner, size and content
 * of files, link targets, user xattrs, file capabilities (on symlinks too), and link counts when
 * asked. Not times, inode numbers or directory sizes, which legitimately differ between two
 * filesystems.
 */
public final class Tree {
    private Tree() {}

    public static TreeMap<String, String> snapshot(Path root) throws Exception {
        return snapshot(root, false);
    }

    /** With {@code linkCounts}, st_nlink too: of two mounts of the same layers, which must agree on it. */
    public static TreeMap<String, String> snapshot(Path root, boolean linkCounts) throws Exception {
        TreeMap<String, String> out = new TreeMap<>();
        walk(root.toString(), "", linkCounts, out);
        return out;
    }

    private static void walk(String root, String rel, boolean linkCounts, Map<String, String> out) throws Exception {
        String real = rel.isEmpty() ? root : root + "/" + rel;
        Stat st = Posix.lstat(real);
        StringBuilder d = new StringBuilder();
        d.append(Integer.toOctalString(st.type() >> 12)).append(' ').append(Integer.toOctalString(st.permissions()))
                .append(' ').append(st.uid()).append(':').append(st.gid());
        if (linkCounts) d.append(" nlink=").append(st.nlink());
        if (st.isRegular()) d.append(" size=").append(st.size()).append(" sha=").append(sha(Path.of(real)));
        if (st.isSymlink()) d.append(" -> ").append(Posix.readlink(real));
        if (st.type() == Stat.S_IFCHR || st.type() == Stat.S_IFBLK) d.append(" rdev=").append(st.rdev());
        if (!st.isSymlink()) { // user xattrs cannot be set on a symlink
            List<String> names = Posix.listxattr(real).stream().filter(n -> n.startsWith("user.")).sorted().toList();
            for (String n : names) d.append(' ').append(n).append('=').append(new String(Posix.getxattr(real, n)));
        }
        byte[] cap = Posix.getxattr(real, Operation.CAPABILITY); // security.* can, as setcap on a symlink shows
        if (cap != null) d.append(" cap=").append(HexFormat.of().formatHex(cap));
        out.put("/" + rel, d.toString());
        if (st.isDirectory()) {
            for (DirEntry e : Posix.readDir(real)) walk(root, rel.isEmpty() ? e.name() : rel + "/" + e.name(), linkCounts, out);
        }
    }

    private static String sha(Path p) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        return HexFormat.of().formatHex(md.digest(Files.readAllBytes(p))).substring(0, 16);
    }

    /** The first differences between two snapshots, for a readable failure. */
    public static String diff(Map<String, String> expected, Map<String, String> actual) {
        StringBuilder b = new StringBuilder();
        int shown = 0;
        TreeMap<String, String> all = new TreeMap<>(expected);
        all.putAll(actual);
        for (String p : all.keySet()) {
            String e = expected.get(p), a = actual.get(p);
            if (e != null && e.equals(a)) continue;
            b.append("\n  ").append(p).append("\n    kernel: ").append(e).append("\n    jfs:    ").append(a);
            if (++shown == 8) break;
        }
        return b.toString();
    }
}
