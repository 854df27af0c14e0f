package dev.jfs.union;

import static dev.jfs.union.Layers.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.jfs.layout.UpperFormat;
import dev.jfs.posix.DirEntry;
import dev.jfs.posix.Posix;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A lower file opened to read has the small files of its layer directory read into the page
 * cache. Seen from outside, as a user would check it: fincore(1) counts each file's pages in
 * memory, after dd(1) has dropped them.
 */
class DirectoryPrefetchTest {
    @TempDir Path tmp;
    Path lower, upper, work;
    final List<Path> small = new ArrayList<>();
    Path big, empty, elsewhere;

    @BeforeEach
    void layers() throws Exception {
        lower = dir(tmp, "lower");
        for (int i = 0; i < 6; i++) small.add(file(lower, "lib/m" + i + ".so", "x".repeat(3000 + i)));
        big = file(lower, "lib/big.so", "y".repeat((int) DirectoryPrefetch.SMALL_FILE + 1));
        empty = file(lower, "lib/empty", "");
        Files.createSymbolicLink(lower.resolve("lib/link"), Path.of("m0.so"));
        dir(lower, "lib/sub");
        elsewhere = file(lower, "share/deep/other", "z".repeat(3000));
        upper = tmp.resolve("upper");
        work = tmp.resolve("work");
        file(upper, "lib/mine", "upper's own");
        evict(lower);
    }

    UnionFs open(boolean prefetch) {
        UnionFs fs = UnionFs.open(new LayerStack(List.of(lower), upper, work).validate(), UpperFormat.KERNEL);
        fs.prefetchDirectories(prefetch);
        return fs;
    }

    @Test
    void openingOneFileReadsTheSmallFilesBesideItAhead() throws Exception {
        UnionFs fs = open(true);
        Posix.close(fs.open("lib/m3.so", Posix.O_RDONLY));
        for (Path p : small) awaitResident(p, Files.size(p));
        assertEquals(0, resident(big), "a file larger than SMALL_FILE is left to the kernel's readahead");
        assertEquals(0, resident(elsewhere), "a directory further away is not touched");
    }

    @Test
    void theDirectoryListedNextIsReadAheadTooOneAtATime() throws Exception {
        for (String d : List.of("a", "b", "c", "d")) file(lower, "tree/" + d + "/f", "x".repeat(3000));
        evict(lower);
        List<String> order = Posix.readDir(lower.resolve("tree").toString()).stream().map(DirEntry::name).toList();
        UnionFs fs = open(true);
        Posix.close(fs.open("tree/" + order.get(0) + "/f", Posix.O_RDONLY));
        awaitResident(lower.resolve("tree/" + order.get(1) + "/f"), 3000);
        Thread.sleep(300);
        assertEquals(0, resident(lower.resolve("tree/" + order.get(2) + "/f")), "one directory ahead, not more");

        Posix.close(fs.open("tree/" + order.get(1) + "/f", Posix.O_RDONLY));
        awaitResident(lower.resolve("tree/" + order.get(2) + "/f"), 3000);
        Thread.sleep(300);
        assertEquals(0, resident(lower.resolve("tree/" + order.get(3) + "/f")), "still one ahead");
    }

    @Test
    void aDirectoryIsReadAheadOnceAndOnlyForReaders() throws Exception {
        UnionFs fs = open(true);
        Posix.close(fs.open("lib/mine", Posix.O_RDONLY)); // the upper's: no lower directory behind it
        Posix.close(fs.open("lib/m0.so", Posix.O_WRONLY)); // copied up: the writer reads nothing of the lower
        Thread.sleep(500);
        for (Path p : small.subList(1, small.size())) assertEquals(0, resident(p), p.toString());

        Posix.close(fs.open("lib/m1.so", Posix.O_RDONLY));
        awaitResident(small.get(5), Files.size(small.get(5)));
        evict(lower);
        Posix.close(fs.open("lib/m2.so", Posix.O_RDONLY));
        Thread.sleep(500);
        assertEquals(0, resident(small.get(5)), "the directory was read ahead once already");
    }

    @Test
    void listingADirectoryLooksItsLowerSubdirectoriesUpAhead() throws Exception {
        file(lower, "lib/sub/g", "g");
        file(lower, "lib/sub/deep/f", "f");
        UnionFs fs = open(true);
        LowerLayer layer = (LowerLayer) fs.view().layer(1);
        fs.readdir("lib");
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!layer.probed("lib/sub/g")) {
            if (System.nanoTime() > deadline) fail("the files of lib/sub were not looked up ahead");
            Thread.sleep(20);
        }
        Thread.sleep(200);
        assertFalse(layer.probed("lib/sub/deep"), "one level ahead: a subdirectory's files, not its subdirectories");
        assertFalse(layer.probed("share/deep/other"), "a directory nobody listed is not looked into");
        assertEquals("f", Files.readString(lower.resolve("lib/sub/deep/f")));
        assertEquals(List.of("deep", "g"), fs.readdir("lib/sub").stream().map(DirEntry::name).sorted().toList(),
                "the mount answers as without the lookahead");
    }

    @Test
    void offUnlessAskedFor() throws Exception {
        file(lower, "lib/sub/g", "g");
        UnionFs fs = open(false); // as commit and diff open it
        Posix.close(fs.open("lib/m3.so", Posix.O_RDONLY));
        fs.readdir("lib");
        Thread.sleep(500);
        for (Path p : small) assertEquals(0, resident(p), p.toString());
        assertFalse(((LowerLayer) fs.view().layer(1)).probed("lib/sub/g"), "no lookahead either");
    }

    // ---- the page cache, seen from outside ------------------------------------------------------

    /** Drops every file under {@code dir} from the page cache (written out first: only clean pages go). */
    static void evict(Path dir) throws Exception {
        run("sync");
        try (var files = Files.walk(dir)) {
            for (Path p : files.filter(Files::isRegularFile).toList()) {
                run("dd", "if=" + p, "iflag=nocache", "count=0", "status=none");
                assertEquals(0, resident(p), "could not drop " + p + " from the page cache");
            }
        }
    }

    static long resident(Path p) throws Exception {
        return Long.parseLong(run("fincore", "--bytes", "--noheadings", "--output", "RES", p.toString()).trim());
    }

    /** Waits up to 10 s for the background reads to land: they are queued, not waited for. */
    static void awaitResident(Path p, long size) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (resident(p) < size) {
            if (System.nanoTime() > deadline) fail(p + " was not read ahead: " + resident(p) + " of " + size + " bytes in memory");
            Thread.sleep(20);
        }
    }

    static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), String.join(" ", command) + ": " + out);
        return out;
    }
}
