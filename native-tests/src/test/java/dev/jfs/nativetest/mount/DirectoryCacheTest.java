package dev.jfs.nativetest.mount;

import static dev.jfs.nativetest.CliProcess.*;
import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Directory listings: a listing read again is the kernel's kept one, every change made through
 * the mount shows in the next listing, and listings left half way, many chunks, fsync and ioctl
 * on a directory all still work.
 */
class DirectoryCacheTest {
    @TempDir Path tmp;

    static Set<String> list(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
        }
    }

    static long readdirs(Path log) throws Exception {
        return requests(log, "READDIR");
    }

    /** How many requests with an opcode matching {@code opcodes} libfuse's debug log shows. */
    static long requests(Path log, String opcodes) throws Exception {
        return Pattern.compile("(?m)^unique: \\d+, opcode: (" + opcodes + ")").matcher(Files.readString(log)).results().count();
    }

    /** A foreground mount of tmp/lower, its output (with {@code -o debug}: every request) in {@code log}. */
    static Process mount(Path tmp, Path mnt, Path log, boolean debug) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(java("dev.jfs.cli.JfsMount", "-f", "--lower", tmp.resolve("lower").toString(),
                "--upper", tmp.resolve("upper").toString(), "--work", tmp.resolve("work").toString(), mnt.toString()));
        if (debug) cmd.addAll(cmd.indexOf("-f") + 1, List.of("-o", "debug"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!isMounted(mnt) && System.nanoTime() < deadline && p.isAlive()) Thread.sleep(20);
        assertTrue(isMounted(mnt), "mounted: " + Files.readString(log));
        return p;
    }

    @Test
    void listingsGivenUpHalfWayLeaveLaterListingsWhole() throws Exception {
        requireRootAndFuse();
        // 300 directories of 100 names (several READDIRPLUS chunks each), more than the
        // listings jfs keeps open between chunks, and one of 3000 names.
        Set<String> hundred = new TreeSet<>(), thousands = new TreeSet<>();
        for (int f = 0; f < 100; f++) hundred.add("a-longish-file-name-" + f);
        for (int f = 0; f < 3000; f++) thousands.add("entry-" + f);
        for (int d = 0; d < 300; d++) {
            for (String f : hundred) file(tmp.resolve("lower"), "d" + d + "/" + f, "x" + d);
        }
        for (String f : thousands) file(tmp.resolve("lower"), "big/" + f, "y");
        Path mnt = Files.createDirectories(tmp.resolve("mnt"));
        Process p = mount(tmp, mnt, tmp.resolve("jfs.log"), false);
        try {
            for (int d = 0; d < 300; d++) {
                try (java.nio.file.DirectoryStream<Path> s = Files.newDirectoryStream(mnt.resolve("d" + d))) {
                    assertTrue(s.iterator().hasNext()); // one chunk read, then given up
                }
            }
            for (int round = 0; round < 2; round++) {
                for (int d = 0; d < 300; d += 7) {
                    List<String> names = listAll(mnt.resolve("d" + d));
                    assertEquals(100, names.size(), "d" + d + ", each name once");
                    assertEquals(hundred, new TreeSet<>(names), "d" + d);
                    assertEquals(1 + Integer.toString(d).length(), Files.size(mnt.resolve("d" + d + "/a-longish-file-name-42")));
                }
                List<String> names = listAll(mnt.resolve("big"));
                assertEquals(3000, names.size(), "big, each name once");
                assertEquals(thousands, new TreeSet<>(names));
            }
        } finally {
            stopForeground(mnt, p);
        }
    }

    @Test
    void fsyncAndIoctlOnADirectoryLeaveTheMountServing() throws Exception {
        requireRootAndFuse();
        file(tmp.resolve("lower"), "d/f", "x");
        Path mnt = Files.createDirectories(tmp.resolve("mnt"));
        Process p = mount(tmp, mnt, tmp.resolve("jfs.log"), false);
        try {
            Path d = mnt.resolve("d");
            assertEquals(Set.of("f"), list(d));
            try (java.nio.channels.FileChannel dir = java.nio.channels.FileChannel.open(d, java.nio.file.StandardOpenOption.READ)) {
                dir.force(true); // fsync(2) on the directory
            }
            // FS_IOC_GETFLAGS on the directory: refused, as before, and nothing else happens
            Process lsattr = new ProcessBuilder("lsattr", "-d", d.toString()).redirectErrorStream(true).start();
            assertTrue(lsattr.waitFor(20, TimeUnit.SECONDS));
            assertTrue(p.isAlive(), "the daemon still runs: " + Files.readString(tmp.resolve("jfs.log")));
            Files.writeString(d.resolve("g"), "y");
            assertEquals(Set.of("f", "g"), list(d));
        } finally {
            stopForeground(mnt, p);
        }
    }

    @Test
    void fsyncOfADirectoryReachesTheDaemonEveryTime() throws Exception {
        requireRootAndFuse();
        file(tmp.resolve("lower"), "d/f", "x");
        file(tmp.resolve("lower"), "only-lower/f", "x");
        Path mnt = Files.createDirectories(tmp.resolve("mnt"));
        Path log = tmp.resolve("debug.log");
        Process p = mount(tmp, mnt, log, true);
        try {
            Files.writeString(mnt.resolve("d/g"), "y"); // d now has an upper copy
            Files.createDirectory(mnt.resolve("made"));
            Thread.sleep(200);
            long before = requests(log, "FSYNCDIR");
            // A directory fsync answered ENOSYS once is never sent again (and never synced).
            for (String dir : List.of("d", "d", "made", "made", "only-lower", "")) {
                try (java.nio.channels.FileChannel c = java.nio.channels.FileChannel.open(mnt.resolve(dir), java.nio.file.StandardOpenOption.READ)) {
                    c.force(true);
                }
            }
            Thread.sleep(200);
            String text = Files.readString(log);
            assertEquals(6, requests(log, "FSYNCDIR") - before, "every fsync(2) of a directory is a request: " + text);
            List<String> syncs = Pattern.compile("(?m)^unique: (\\d+), opcode: FSYNCDIR").matcher(text).results().map(r -> r.group(1)).toList();
            for (String unique : syncs) {
                assertTrue(text.contains("unique: " + unique + ", success"), "FSYNCDIR " + unique + " answered success: " + text);
            }
            assertEquals(Set.of("f", "g"), list(mnt.resolve("d")));
        } finally {
            stopForeground(mnt, p);
        }
    }

    static void file(Path root, String rel, String content) throws Exception {
        Path f = root.resolve(rel);
        Files.createDirectories(f.getParent());
        Files.writeString(f, content);
    }

    /** Every name a listing gives, in its order, duplicates kept. */
    static List<String> listAll(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).collect(Collectors.toList());
        }
    }

    @Test
    void everyChangeThroughTheMountShowsInTheNextListing() throws Exception {
        requireRootAndFuse();
        Path lower = Files.createDirectories(tmp.resolve("lower/d"));
        Set<String> expect = new TreeSet<>();
        for (int i = 0; i < 200; i++) {
            Files.writeString(lower.resolve("f" + i), "x");
            expect.add("f" + i);
        }
        Files.createDirectories(lower.resolve("sub"));
        expect.add("sub");
        Path mnt = Files.createDirectories(tmp.resolve("mnt"));
        Path log = tmp.resolve("debug.log");
        Process p = new ProcessBuilder(java("dev.jfs.cli.JfsMount", "-f", "-o", "debug", "--lower", tmp.resolve("lower").toString(),
                "--upper", tmp.resolve("upper").toString(), "--work", tmp.resolve("work").toString(), mnt.toString()))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (!Files.exists(mnt.resolve("d")) && System.nanoTime() < deadline) Thread.sleep(20);
            Path d = mnt.resolve("d");
            assertEquals(expect, list(d));
            Thread.sleep(200); // the log lines are written as requests end
            long first = readdirs(log);
            assertTrue(first > 0, "the first listing reads the directory");
            assertEquals(expect, list(d));
            Thread.sleep(200);
            assertEquals(first, readdirs(log), "a second listing is the kernel's kept one: jfs is not asked again");

            Files.writeString(d.resolve("new"), "n");
            Files.delete(d.resolve("f0"));
            Files.move(d.resolve("f1"), d.resolve("renamed"));
            Files.move(d.resolve("f2"), mnt.resolve("moved-out"));
            Files.move(mnt.resolve("moved-out"), d.resolve("moved-back"));
            Files.createDirectory(d.resolve("made"));
            Files.delete(d.resolve("sub"));
            expect.addAll(List.of("new", "renamed", "moved-back", "made"));
            expect.removeAll(List.of("f0", "f1", "f2", "sub"));
            assertEquals(expect, list(d), "the listing after changes through the mount");
            Thread.sleep(200);
            assertTrue(readdirs(log) > first, "the changed directory is read from jfs again");
            assertEquals(expect, list(d), "and again");
        } finally {
            stopForeground(mnt, p);
        }
    }
}
