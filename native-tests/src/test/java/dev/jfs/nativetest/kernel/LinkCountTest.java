package dev.jfs.nativetest.kernel;

import static dev.jfs.nativetest.CliProcess.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.jfs.posix.DirEntry;
import dev.jfs.posix.Posix;
import dev.jfs.posix.Stat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * st_nlink of every name, compared with the kernel's overlayfs (redirect_dir=on,index=on) after
 * each step and after a remount: merged directories show 1, others their own count; a lower file
 * with several names counts the names the union shows, through link, unlink, rename, copy-up of
 * one or several names and whiteouts, never the index's own name of its upper copy. The work
 * directory's index keeps as many copies as the kernel's: one goes with the last name it had.
 */
class LinkCountTest {
    @TempDir Path tmp;

    private static Operation op(String kind, String path, String other) {
        return new Operation(kind, path, other, kind.equals("chmod") ? 0600 : kind.equals("mkdir") ? 0755 : 0,
                kind.equals("append") ? Operation.bytes("more\n") : null);
    }

    /** Not an operation on the mount: both mounts are unmounted and mounted again. */
    private static final Operation REMOUNT = new Operation("remount", "/", null, 0, null);

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("directories", List.of(
                        op("create", "/d/new", null),       // d: merged from the upper and a lower
                        op("mkdir", "/d/sub1/n", null),     // d/sub1 too; d/sub2 stays a lower's
                        op("mkdir", "/newdir", null),       // the upper's alone
                        op("mkdir", "/newdir/a", null),
                        op("rm-r", "/op", null),
                        op("mkdir", "/op", null),           // opaque: the upper's alone again
                        op("mkdir", "/op/x", null),
                        op("rename", "/ren", "/ren2"),      // redirected, still merged
                        op("mkdir", "/ren2/z", null),
                        op("chmod", "/lo", null),           // copied up alone: merged
                        op("rename", "/newdir", "/nd2"),
                        REMOUNT)),
                Arguments.of("directories copied up as parents", List.of(
                        op("create", "/deep/a/b/new", null), // deep and deep/a: seen before, merged now
                        op("rename", "/lo/s1", "/deep/a/s1"),
                        REMOUNT)),
                Arguments.of("copy-up of both names", List.of(
                        op("chmod", "/f", null), op("utimes", "/g", null), REMOUNT, op("unlink", "/f", null), REMOUNT)),
                Arguments.of("link to a lower file", List.of(
                        op("link", "/f", "/k"), REMOUNT, op("unlink", "/f", null), op("unlink", "/g", null), REMOUNT)),
                Arguments.of("unlink one of two lower names", List.of(
                        op("unlink", "/g", null), REMOUNT, op("append", "/f", null), REMOUNT)),
                Arguments.of("rename a hard-linked lower name", List.of(
                        op("rename", "/g", "/g2"), REMOUNT, op("rename", "/f", "/d/f3"), REMOUNT)),
                Arguments.of("chmod then unlink", List.of(
                        op("chmod", "/f", null), op("unlink", "/g", null), REMOUNT, op("link", "/f", "/k"), REMOUNT)),
                Arguments.of("three names", List.of(
                        op("chmod", "/h1", null), REMOUNT, op("unlink", "/h2", null), op("rename", "/d/h3", "/h4"), REMOUNT,
                        op("link", "/h4", "/d/h5"), op("unlink", "/h1", null), REMOUNT)),
                Arguments.of("link after copy-up, rename onto the same file", List.of(
                        op("append", "/g", null), op("link", "/f", "/k"), op("rename", "/k", "/f"), REMOUNT)),
                Arguments.of("rename over a lower name", List.of(
                        op("rename", "/single", "/g"), REMOUNT, op("rename", "/h2", "/f"), REMOUNT)),
                Arguments.of("single name linked", List.of(
                        op("link", "/single", "/s2"), REMOUNT, op("unlink", "/single", null), REMOUNT)),
                Arguments.of("every name removed", List.of(
                        op("append", "/f", null), op("unlink", "/f", null), op("unlink", "/g", null), REMOUNT,
                        op("unlink", "/h1", null), op("unlink", "/h2", null), op("unlink", "/d/h3", null), REMOUNT)),
                Arguments.of("names in directories removed and renamed", List.of(
                        op("unlink", "/d/h3", null), op("rename", "/d", "/d2"), op("chmod", "/h2", null), REMOUNT,
                        op("rm-r", "/d2", null), REMOUNT)));
    }

    /** The same two lower layers, written once for each mount: the bottom one holds hard links. */
    private static void lowers(Path top, Path bottom) throws Exception {
        for (String d : new String[] {"d/sub1", "d/sub2", "lo/s1", "ren/s", "op/s", "both/in", "deep/a/b/c"}) {
            Files.createDirectories(bottom.resolve(d));
        }
        Files.createDirectories(top.resolve("both/in")); // merged from both lowers, the rest from the bottom one
        Files.writeString(top.resolve("both/top"), "top\n");
        Files.writeString(bottom.resolve("both/bottom"), "bottom\n");
        Files.writeString(bottom.resolve("f"), "f\n");
        Files.createLink(bottom.resolve("g"), bottom.resolve("f"));
        Files.writeString(bottom.resolve("h1"), "h\n");
        Files.createLink(bottom.resolve("h2"), bottom.resolve("h1"));
        Files.createLink(bottom.resolve("d/h3"), bottom.resolve("h1"));
        Files.writeString(bottom.resolve("d/x"), "x\n");
        Files.writeString(bottom.resolve("single"), "s\n");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void linkCountsAreTheKernelOverlays(String name, List<Operation> steps) throws Exception {
        requireRootAndFuse();
        Path kmnt = Files.createDirectories(tmp.resolve("kmnt")), jmnt = Files.createDirectories(tmp.resolve("jmnt"));
        List<Path> k = List.of(tmp.resolve("k-top"), tmp.resolve("k-bottom"));
        List<Path> j = List.of(tmp.resolve("j-top"), tmp.resolve("j-bottom"));
        lowers(k.get(0), k.get(1));
        lowers(j.get(0), j.get(1));
        Path ku = tmp.resolve("k-upper"), kw = tmp.resolve("k-work"), ju = tmp.resolve("j-upper"), jw = tmp.resolve("j-work");
        List<String> done = new ArrayList<>();
        try {
            Mounts.mountKernel(k, ku, kw, kmnt);
            Mounts.mountJfs(j, ju, jw, jmnt);
            compare(kmnt, jmnt, kw, jw, "mounted");
            for (Operation step : steps) {
                done.add(step.toString());
                if (step == REMOUNT) {
                    Mounts.unmountKernel(kmnt);
                    Mounts.unmountJfs(jmnt);
                    Mounts.mountKernel(k, ku, kw, kmnt);
                    Mounts.mountJfs(j, ju, jw, jmnt);
                } else {
                    int kr = step.applyTo(kmnt.toString()), jr = step.applyTo(jmnt.toString());
                    assertEquals(kr, jr, step + ": errno on the kernel vs jfs");
                }
                compare(kmnt, jmnt, kw, jw, "after " + String.join(", ", done));
            }
        } finally {
            forceUnmount(kmnt);
            forceUnmount(jmnt);
        }
    }

    private static void compare(Path kmnt, Path jmnt, Path kwork, Path jwork, String when) {
        Map<String, Long> kernel = linkCounts(kmnt), jfs = linkCounts(jmnt);
        assertEquals(kernel, jfs, "st_nlink of each name " + when);
        assertEquals(indexCopies(kwork.resolve("index")), indexCopies(jwork.resolve("jfs-index")),
                "copies in the work directory's index " + when);
    }

    /** Regular files in an index directory: the copies kept (the kernel's whiteouts there are not). */
    static long indexCopies(Path index) {
        if (!Files.isDirectory(index)) return 0;
        return Posix.readDir(index.toString()).stream()
                .filter(e -> Posix.lstat(index + "/" + e.name()).isRegular())
                .count();
    }

    /** st_nlink of every name under a mount, the root too. */
    static TreeMap<String, Long> linkCounts(Path root) {
        TreeMap<String, Long> out = new TreeMap<>();
        walk(root.toString(), "", out);
        return out;
    }

    private static void walk(String root, String rel, Map<String, Long> out) {
        String real = rel.isEmpty() ? root : root + "/" + rel;
        Stat st = Posix.lstat(real);
        out.put("/" + rel, st.nlink());
        if (!st.isDirectory()) return;
        for (DirEntry e : Posix.readDir(real)) walk(root, rel.isEmpty() ? e.name() : rel + "/" + e.name(), out);
    }
}
