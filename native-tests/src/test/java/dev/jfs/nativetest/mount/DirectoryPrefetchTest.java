package dev.jfs.nativetest.mount;

import static dev.jfs.nativetest.CliProcess.*;
import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reading one lower file through the mount brings the other small files of its directory into
 * the page cache, so that a tar or cp -r that goes on to read them does not wait for the disk
 * once per file; {@code -o noprefetch} turns that off. Checked from outside: fincore(1) counts the
 * lower files' pages in memory, after dd(1) has dropped them.
 */
class DirectoryPrefetchTest {
    @TempDir Path tmp;
    Path lower, mnt;
    final List<Path> neighbours = new ArrayList<>();

    @BeforeEach
    void layers() throws Exception {
        requireRootAndFuse();
        lower = Files.createDirectories(tmp.resolve("lower/usr/lib"));
        Files.writeString(lower.resolve("first.py"), "import os\n");
        for (int i = 0; i < 20; i++) neighbours.add(Files.writeString(lower.resolve("mod" + i + ".py"), "x = " + i + "\n".repeat(2000)));
        mnt = Files.createDirectories(tmp.resolve("mnt"));
        sh("sync");
        for (Path p : neighbours) sh("dd if='" + p + "' iflag=nocache count=0 status=none");
        for (Path p : neighbours) assertEquals(0, resident(p), "dropped from the page cache: " + p);
    }

    @AfterEach
    void unmount() {
        forceUnmount(mnt);
    }

    void mount(String... options) {
        List<String> args = new ArrayList<>(List.of(options));
        args.addAll(List.of("--lower", tmp.resolve("lower").toString(), "--upper", tmp.resolve("upper").toString(),
                "--work", tmp.resolve("work").toString(), mnt.toString()));
        var r = jfsmount(args.toArray(String[]::new));
        assertEquals(0, r.exit(), r.toString());
    }

    @Test
    void readingOneFileBringsItsNeighboursIntoMemory() throws Exception {
        mount();
        assertEquals("import os\n", Files.readString(mnt.resolve("usr/lib/first.py")));
        long deadline = System.nanoTime() + 10_000_000_000L;
        for (Path p : neighbours) {
            while (resident(p) < Files.size(p)) {
                if (System.nanoTime() > deadline) fail(p + " was not read ahead: " + resident(p) + " bytes in memory");
                Thread.sleep(20);
            }
        }
    }

    @Test
    void noprefetchReadsOnlyWhatIsAskedFor() throws Exception {
        mount("-o", "noprefetch");
        assertEquals("import os\n", Files.readString(mnt.resolve("usr/lib/first.py")));
        Thread.sleep(1000);
        for (Path p : neighbours) assertEquals(0, resident(p), p.toString());
    }

    static long resident(Path p) {
        return Long.parseLong(sh("fincore --bytes --noheadings --output RES '" + p + "'").trim());
    }
}
