package dev.jfs.nativetest.store;

import static dev.jfs.nativetest.store.StoreProcs.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jfs.posix.Posix;
import dev.jfs.posix.Stat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A differential test on real files: a PAX tar that GNU tar made of this system's /etc and
 * /usr/sbin, setuid programs, and a crafted directory (devices, a FIFO, hard links, binary and
 * trusted xattrs, odd modes), imported by jfs as root, must give exactly the tree that GNU tar
 * extracts from it: types, modes, owners, mtimes to the nanosecond, contents, link targets, device
 * numbers, link counts and xattrs. Its diffID must be sha256sum of the tar.
 */
class ImportMatchesGnuTarTest {
    @TempDir
    Path tmp;

    static void sh(String... cmd) {
        StoreProcs.Result r = StoreProcs.run(new ProcessBuilder(cmd), null);
        assertEquals(0, r.exit(), String.join(" ", cmd) + "\n" + r);
    }

    @Test
    void importEqualsGnuTarExtraction() throws IOException {
        Path crafted = tmp.resolve("crafted");
        Files.createDirectories(crafted.resolve("dir/sub"));
        Files.writeString(crafted.resolve("dir/file"), "hello");
        Files.createLink(crafted.resolve("dir/hardlink"), crafted.resolve("dir/file"));
        Files.createSymbolicLink(crafted.resolve("dir/dangling"), Path.of("/nowhere/at/all"));
        Files.writeString(crafted.resolve("dir/.wh.removed"), "");
        Files.writeString(crafted.resolve("dir/sub/.wh..wh..opq"), "");
        sh("mknod", crafted.resolve("dir/null").toString(), "c", "1", "3");
        sh("mknod", crafted.resolve("dir/whiteout").toString(), "c", "0", "0");
        sh("mkfifo", crafted.resolve("dir/fifo").toString());
        sh("setfattr", "-n", "user.bin", "-v", "0xff00fe80", crafted.resolve("dir/file").toString());
        sh("setfattr", "-n", "trusted.note", "-v", "t", crafted.resolve("dir/sub").toString());
        sh("chmod", "4711", crafted.resolve("dir/file").toString());
        sh("chmod", "0555", crafted.resolve("dir/sub").toString());
        sh("chown", "-h", "1234:5678", crafted.resolve("dir/dangling").toString());
        sh("touch", "-h", "-d", "2001-02-03 04:05:06.123456789", crafted.resolve("dir/dangling").toString());

        Path tar = tmp.resolve("real.tar");
        sh("tar", "--xattrs", "--xattrs-include=*", "--numeric-owner", "--format=pax", "-cf", tar.toString(),
                "-C", "/", "etc", "usr/sbin", "usr/bin/passwd", "usr/bin/su", "-C", crafted.toString(), "dir");
        Path gnu = Files.createDirectories(tmp.resolve("gnu"));
        sh("tar", "--xattrs", "--xattrs-include=*", "-xpf", tar.toString(), "-C", gnu.toString());

        Path root = tmp.resolve("store");
        String id = ok(StoreProcs.jfs(root, "layer", "import", tar.toString())).out().trim();
        assertEquals("sha256:" + StoreProcs.sha256(tar), id);
        Path layer = root.resolve("layers").resolve(id.substring(7)).resolve("diff");

        // Parent dirs without an entry of their own (usr, usr/bin) get "now" as mtime from both.
        List<String> implicit = List.of("usr", "usr/bin");
        Map<String, String> expected = describe(gnu, implicit), actual = describe(layer, implicit);
        assertTrue(expected.size() > 500, "a real tree: " + expected.size() + " entries");
        List<String> diffs = new ArrayList<>();
        for (String k : expected.keySet()) {
            if (!expected.get(k).equals(actual.get(k))) diffs.add(k + "\n  gnu: " + expected.get(k) + "\n  jfs: " + actual.get(k));
        }
        for (String k : actual.keySet()) if (!expected.containsKey(k)) diffs.add(k + ": only in jfs");
        assertEquals(List.of(), diffs.subList(0, Math.min(10, diffs.size())), diffs.size() + " differences");
    }

    /** Everything lstat and the xattrs say about each entry, by path (the root's times excluded). */
    static Map<String, String> describe(Path dir, List<String> noMtime) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.toList()) {
                String rel = dir.relativize(p).toString();
                if (rel.isEmpty()) continue;
                Stat st = Posix.lstat(p.toString());
                StringBuilder b = new StringBuilder();
                b.append(Integer.toOctalString(st.mode())).append(' ').append(st.uid()).append(':').append(st.gid());
                if (!noMtime.contains(rel)) b.append(" mtime=").append(st.mtimeSec()).append('.').append(st.mtimeNsec());
                b.append(" nlink=").append(st.isDirectory() ? "-" : st.nlink());
                if (st.isRegular()) b.append(" size=").append(st.size()).append(' ').append(StoreProcs.sha256(p));
                if (st.isSymlink()) b.append(" -> ").append(Posix.readlink(p.toString()));
                if (st.type() == Stat.S_IFCHR || st.type() == Stat.S_IFBLK) b.append(" rdev=").append(st.rdev());
                List<String> names = new ArrayList<>(Posix.listxattr(p.toString()));
                names.sort(null);
                for (String n : names) {
                    byte[] v = Posix.getxattr(p.toString(), n);
                    b.append(' ').append(n).append('=').append(v == null ? "null" : HexFormat.of().formatHex(v));
                }
                out.put(rel, b.toString());
            }
        }
        return out;
    }
}
