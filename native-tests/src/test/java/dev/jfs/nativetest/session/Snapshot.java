package dev.jfs.nativetest.session;

import dev.jfs.posix.DirEntry;
import dev.jfs.posix.Posix;
import dev.jfs.posix.Stat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * A merged tree as a program sees it, path by path: type, mode, owner, size, content hash and
 * link count of files, symlink targets. Not times, inode numbers or the link counts of
 * directories (overlayfs reports 1 for merged ones), which legitimately differ between mounts.
 */
public final class Snapshot {
    private Snapshot() {}

    public static TreeMap<String, String> of(Path root) throws Exception {
        TreeMap<String, String> out = new TreeMap<>();
        walk(root.toString(), "", out);
        return out;
    }

    private static void walk(String root, String rel, Map<String, String> out) throws Exception {
        String real = rel.isEmpty() ? root : root + "/" + rel;
        Stat st = Posix.lstat(real);
        StringBuilder d = new StringBuilder(Integer.toOctalString(st.mode())).append(' ').append(st.uid()).append(':')
                .append(st.gid());
        if (!st.isDirectory()) d.append(" links=").append(st.nlink());
        if (st.isRegular()) d.append(" size=").append(st.size()).append(" sha=").append(sha(Path.of(real)));
        if (st.isSymlink()) d.append(" -> ").append(Posix.readlink(real));
        out.put("/" + rel, d.toString());
        if (st.isDirectory()) {
            for (DirEntry e : Posix.readDir(real)) walk(root, rel.isEmpty() ? e.name() : rel + "/" + e.name(), out);
        }
    }

    private static String sha(Path p) throws Exception {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p));
        return HexFormat.of().formatHex(digest).substring(0, 16);
    }

    /** The first paths where two snapshots differ, for a readable failure. */
    public static String diff(String expectedName, Map<String, String> expected, String actualName, Map<String, String> actual) {
        StringBuilder b = new StringBuilder();
        TreeMap<String, String> all = new TreeMap<>(expected);
        all.putAll(actual);
        int shown = 0;
        for (String p : all.keySet()) {
            String e = expected.get(p), a = actual.get(p);
            if (e != null && e.equals(a)) continue;
            b.append("\n  ").append(p).append("\n    ").append(expectedName).append(": ").append(e)
                    .append("\n    ").append(actualName).append(": ").append(a);
            if (++shown == 10) break;
        }
        return b.toString();
    }
}
