package dev.jfs.nativetest.mount;

import static dev.jfs.nativetest.CliProcess.*;
import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Appending to a large lower file through the mount copies it up synced to disk, as the kernel's
 * overlayfs does; {@code -o volatile} leaves the copy to the kernel's writeback. Seen from
 * outside: the machine's dirty page cache (/proc/meminfo) before and after the append.
 */
class DurableCopyUpTest {
    static final int SIZE = 64 << 20;
    @TempDir Path tmp;
    Path mnt;

    @BeforeEach
    void layers() throws Exception {
        requireRootAndFuse();
        byte[] data = new byte[SIZE];
        new Random(3).nextBytes(data);
        try (FileChannel ch = FileChannel.open(Files.createDirectories(tmp.resolve("lower")).resolve("big"),
                StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(data));
            ch.force(true);
        }
        mnt = Files.createDirectories(tmp.resolve("mnt"));
    }

    @AfterEach
    void unmount() {
        forceUnmount(mnt);
    }

    /** KiB of page cache that appending one byte to the 64 MiB lower file left dirty. */
    private long dirtiedByAppend(String... options) throws Exception {
        List<String> args = new ArrayList<>(List.of(options));
        args.addAll(List.of("--lower", tmp.resolve("lower").toString(), "--upper", tmp.resolve("upper").toString(),
                "--work", tmp.resolve("work").toString(), mnt.toString()));
        var r = jfsmount(args.toArray(String[]::new));
        assertEquals(0, r.exit(), r.toString());
        long before = dirtyKib();
        Files.writeString(mnt.resolve("big"), "x", StandardOpenOption.APPEND);
        long dirtied = dirtyKib() - before;
        assertEquals(SIZE + 1, Files.size(tmp.resolve("upper/big")), "copied up, with the byte appended");
        return dirtied;
    }

    private static long dirtyKib() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
            if (line.startsWith("Dirty:")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
        throw new IllegalStateException("no Dirty: line in /proc/meminfo");
    }

    @Test
    void aCopyUpIsOnDiskWhenTheWriteThatCausedItReturns() throws Exception {
        long dirtied = dirtiedByAppend();
        assertTrue(dirtied < (SIZE >> 10) / 4, "copying up 64 MiB left " + dirtied + " KiB dirty");
    }

    @Test
    void volatileLeavesTheCopyToWriteback() throws Exception {
        long dirtied = dirtiedByAppend("-o", "volatile");
        assertTrue(dirtied > (SIZE >> 10) * 3 / 4, "with -o volatile, copying up 64 MiB left only " + dirtied + " KiB dirty");
    }
}
