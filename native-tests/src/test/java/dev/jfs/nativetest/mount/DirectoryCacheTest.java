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
 * The kernel keeps a listed directory's names (CachedDirectories sets FOPEN_CACHE_DIR): listing
 * it again sends no READDIR, and every change made through the mount shows in the next listing.
 */
class DirectoryCacheTest {
    @TempDir Path tmp;

    static Set<String> list(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
        }
    }

    static long readdirs(Path log) throws Exception {
        return Pattern.compile("(?m)^unique: \\d+, opcode: READDIR").matcher(Files.readString(log)).results().count();
    }

    @Test
    void aListingIsKeptAndEveryChangeThroughTheMountShows() throws Exception {
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
            Thread.sleep(200); // libfuse's log lines are written as requests end
            long first = readdirs(log);
            assertTrue(first > 0, "the first listing reads the directory");
            assertEquals(expect, list(d));
            Thread.sleep(200);
            assertEquals(first, readdirs(log), "a second listing is served from the kernel's cache");

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
            assertEquals(expect, list(d), "and again, from the cache");
        } finally {
            forceUnmount(mnt);
            p.waitFor(20, TimeUnit.SECONDS);
            p.destroyForcibly();
        }
    }
}
