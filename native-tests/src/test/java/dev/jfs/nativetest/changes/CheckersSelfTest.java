package dev.jfs.nativetest.changes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jfs.nativetest.changes.DiffCheck.Line;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commit/diff tests' own checkers, on hand-made inputs: they pass what is right and catch
 * each kind of wrong (so that a green CommitDiffTest means something). No mounts, no jfs.
 */
class CheckersSelfTest {
    @TempDir
    Path tmp;

    static final String DIR = "4 755 0:0", FILE = "10 644 0:0 size=1 sha=aa", FILE2 = "10 644 0:0 size=2 sha=bb";

    @Test
    void treeOrderPutsADirectorysEntriesRightAfterIt() {
        List<String> l = new ArrayList<>(List.of("/a-b", "/a/b", "/a", "/b", "/a/b/c", "/\u00e9", "/Z"));
        l.sort(TreeOrder.PATHS);
        assertEquals(List.of("/Z", "/a", "/a/b", "/a/b/c", "/a-b", "/b", "/\u00e9"), l);
    }

    static Map<String, String> tree(String... pathAndDescription) {
        Map<String, String> m = new TreeMap<>();
        for (int i = 0; i < pathAndDescription.length; i += 2) m.put(pathAndDescription[i], pathAndDescription[i + 1]);
        return m;
    }

    static List<Line> lines(String... s) {
        return DiffCheck.parseText(String.join("\n", s));
    }

    @Test
    void diffCheckPassesTheRightLinesAndCatchesEachKindOfWrong() throws Exception {
        Map<String, String> lowers = tree("/d", DIR, "/d/x", FILE, "/d/y", FILE, "/e", DIR, "/e/old", FILE, "/g", DIR,
                "/g/h", DIR, "/g/h/i", FILE, "/k", DIR);
        Map<String, String> merged = tree("/d", DIR, "/d/x", FILE2, "/d/new", FILE, "/e", DIR, "/e/again", FILE, "/k", DIR);
        Set<String> madeAgain = Set.of("/e");
        List<Line> right = lines("C /d", "A /d/new", "C /d/x", "D /d/y", "D /e", "A /e/again", "D /g");
        assertEquals(List.of(), DiffCheck.problems(right, merged, lowers, madeAgain));
        assertEquals(right, DiffCheck.parseJson("[{\"kind\":\"C\",\"path\":\"/d\"},{\"kind\":\"A\",\"path\":\"/d/new\"},"
                + "{\"kind\":\"C\",\"path\":\"/d/x\"},{\"kind\":\"D\",\"path\":\"/d/y\"},{\"kind\":\"D\",\"path\":\"/e\"},"
                + "{\"kind\":\"A\",\"path\":\"/e/again\"},{\"kind\":\"D\",\"path\":\"/g\"}]"));
        // each of these must be caught
        Map<String, List<Line>> wrong = new TreeMap<>();
        wrong.put("missing A", lines("C /d", "C /d/x", "D /d/y", "D /e", "A /e/again", "D /g"));
        wrong.put("extra A", lines("C /d", "A /d/new", "C /d/x", "D /d/y", "D /e", "A /e/again", "D /g", "A /k"));
        wrong.put("missing C", lines("C /d", "A /d/new", "D /d/y", "D /e", "A /e/again", "D /g"));
        wrong.put("missing D", lines("C /d", "A /d/new", "C /d/x", "D /e", "A /e/again", "D /g"));
        wrong.put("D on children only", lines("C /d", "A /d/new", "C /d/x", "D /d/y", "D /e", "A /e/again", "C /g", "D /g/h"));
        wrong.put("made again not D", lines("C /d", "A /d/new", "C /d/x", "D /d/y", "C /e", "A /e/again", "D /g"));
        wrong.put("D never below", lines("C /d", "A /d/new", "C /d/x", "D /d/y", "D /e", "A /e/again", "D /g", "D /zz"));
        wrong.put("C unchanged", lines("C /d", "A /d/new", "C /d/x", "D /d/y", "D /e", "A /e/again", "D /g", "C /k"));
        wrong.put("D existing not made again", lines("D /d", "A /d/new", "C /d/x", "D /d/y", "D /e", "A /e/again", "D /g"));
        wrong.put("order", lines("A /d/new", "C /d", "C /d/x", "D /d/y", "D /e", "A /e/again", "D /g"));
        wrong.put("twice", lines("C /d", "A /d/new", "C /d/x", "D /d/y", "D /d/y", "D /e", "A /e/again", "D /g"));
        wrong.put("D below D", lines("C /d", "A /d/new", "C /d/x", "D /d/y", "D /e", "A /e/again", "D /g", "D /g/h"));
        wrong.put("parent not listed", lines("A /d/new", "C /d/x", "D /d/y", "D /e", "A /e/again", "D /g"));
        wrong.put("root", lines("C /", "C /d", "A /d/new", "C /d/x", "D /d/y", "D /e", "A /e/again", "D /g"));
        wrong.forEach((what, l) -> assertFalse(DiffCheck.problems(l, merged, lowers, madeAgain).isEmpty(), what));
    }

    /** A PAX tar of the given entries, as a well-behaved layer writer makes them. */
    static byte[] tar(Consumer<TarArchiveEntry> tweak, String... names) throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (TarArchiveOutputStream t = new TarArchiveOutputStream(b)) {
            t.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            t.setAddPaxHeadersForNonAsciiNames(true);
            for (String n : names) {
                TarArchiveEntry e;
                if (n.contains(" -> ")) {
                    e = new TarArchiveEntry(n.substring(0, n.indexOf(" -> ")), TarArchiveEntry.LF_LINK);
                    e.setLinkName(n.substring(n.indexOf(" -> ") + 4));
                } else {
                    e = new TarArchiveEntry(n, true); // names as given, a leading / too
                }
                e.setUserName("");
                e.setGroupName("");
                e.setIds(1000, 1000);
                e.setModTime(1_700_000_000_000L);
                byte[] data = n.endsWith("/") || n.contains(".wh.") || n.contains(" -> ") ? new byte[0]
                        : n.getBytes(StandardCharsets.UTF_8);
                e.setMode(n.endsWith("/") ? 040755 : n.contains(".wh.") ? 0100000 : 0100644);
                e.setSize(data.length);
                if (tweak != null) tweak.accept(e);
                t.putArchiveEntry(e);
                t.write(data);
                t.closeArchiveEntry();
            }
        }
        return b.toByteArray();
    }

    /** A directory entry "a/" after a PAX header of one record written by hand. */
    static byte[] rawPax(String key, String value) throws Exception {
        String rec = " " + key + "=" + value + "\n";
        int len = rec.length() + 2;
        if (String.valueOf(len).length() != 2) throw new IllegalArgumentException(rec);
        byte[] body = (len + rec).getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (TarArchiveOutputStream t = new TarArchiveOutputStream(b)) {
            TarArchiveEntry x = new TarArchiveEntry("PaxHeaders/a", (byte) 'x');
            x.setSize(body.length);
            x.setUserName("");
            x.setGroupName("");
            t.putArchiveEntry(x);
            t.write(body);
            t.closeArchiveEntry();
            TarArchiveEntry a = new TarArchiveEntry("a/");
            a.setUserName("");
            a.setGroupName("");
            t.putArchiveEntry(a);
            t.closeArchiveEntry();
        }
        return b.toByteArray();
    }

    @Test
    void layerTarPassesAGoodLayerAndCatchesEachKindOfWrong() throws Exception {
        String[] good = {"a/", "a/.wh..wh..opq", "a/f", "a/g -> a/f", "b/", "b/.wh.gone", "b/c/", "b/c/x", "b-c"};
        assertEquals(List.of(), new LayerTar(tar(null, good)).problems(null));
        Map<String, byte[]> wrong = new TreeMap<>();
        wrong.put("./ prefix", tar(null, "./a/", "./a/f"));
        wrong.put("absolute", tar(null, "/a/", "/a/f"));
        wrong.put("parent missing", tar(null, "a/f"));
        wrong.put("child before parent", tar(null, "a/f", "a/"));
        wrong.put("plain string order", tar(null, "b-c", "b/", "b/c/"));
        wrong.put("duplicate", tar(null, "a/", "a/f", "a/f"));
        wrong.put("opaque marker late", tar(null, "a/", "a/f", "a/.wh..wh..opq"));
        wrong.put("hard link to nothing", tar(null, "a/", "a/g -> a/f"));
        wrong.put("user name", tar(e -> e.setUserName("root"), "a/"));
        assertEquals(List.of(), new LayerTar(rawPax("mtime", "1700000000")).problems(null), "a hand-made PAX header alone is fine");
        wrong.put("atime", rawPax("atime", "1700000000.5"));
        wrong.put("ctime", rawPax("ctime", "1700000000"));
        wrong.put("uname", rawPax("uname", "root"));
        wrong.put("overlay xattr", tar(e -> e.addPaxHeader("SCHILY.xattr.trusted.overlay.opaque", "y"), "a/"));
        wrong.put("jfs xattr", tar(e -> e.addPaxHeader("SCHILY.xattr.user.jfs.ino", "12"), "a/"));
        wrong.put("whiteout as directory", tar(null, "a/", "a/.wh.x/"));
        wrong.forEach((what, t) -> {
            try {
                assertFalse(new LayerTar(t).problems(null).isEmpty(), what);
            } catch (java.io.IOException e) {
                throw new AssertionError(e);
            }
        });
        // mtimes: kept, or caught
        assertEquals(List.of(), new LayerTar(tar(null, "a/", "a/f")).problems(Map.of("/a/f", 1_700_000_000L)));
        assertFalse(new LayerTar(tar(null, "a/", "a/f")).problems(Map.of("/a/f", 1_700_000_001L)).isEmpty());
    }

    @Test
    void applierFollowsTheOciRules() throws Exception {
        Path lower = Files.createDirectories(tmp.resolve("lower/a/sub"));
        Files.writeString(tmp.resolve("lower/a/old"), "old");
        Files.writeString(tmp.resolve("lower/a/sub/deep"), "deep");
        Files.createDirectories(tmp.resolve("lower/b/c"));
        Files.writeString(tmp.resolve("lower/b/gone"), "gone");
        Files.writeString(tmp.resolve("lower/b/c/x"), "x-old");
        Path dest = tmp.resolve("dest");
        OciApplier.flatten(List.of(tmp.resolve("lower")), dest);
        assertTrue(Files.exists(dest.resolve("a/sub/deep")));
        OciApplier.applyTar(LayerTar.stream(tar(null, "a/", "a/.wh..wh..opq", "a/f", "a/g -> a/f", "b/", "b/.wh.gone", "b/c/",
                "b/c/x", "b-c")), dest);
        assertEquals(List.of("f", "g"), names(dest.resolve("a")), "opaque: lower contents gone, the tar's kept");
        assertEquals(List.of("c"), names(dest.resolve("b")), "whiteout");
        assertEquals("b/c/x", Files.readString(dest.resolve("b/c/x")), "a file replaces the lower one");
        assertEquals(Files.getAttribute(dest.resolve("a/f"), "unix:ino"), Files.getAttribute(dest.resolve("a/g"), "unix:ino"));
        assertEquals(1000, Files.getAttribute(dest.resolve("b"), "unix:uid"));
        assertThrows(AssertionError.class, () -> OciApplier.applyTar(LayerTar.stream(tar(null, "q/f")), dest), "no parent");
    }

    static List<String> names(Path dir) throws Exception {
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
