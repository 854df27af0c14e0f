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
import jnr.ffi.LibraryLoader;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Appending to a large lower file through the mount copies it up synced to disk, as the kernel's
 * overlayfs does; {@code -o volatile} leaves the copy to the kernel's writeback. Seen from
 * outside: the upper copy's pages still dirty or under writeback when the append returns
 * (cachestat(2), Linux 6.5+), which no other program on the machine can move but a sync.
 */
class DurableCopyUpTest {
    static final int SIZE = 64 << 20;
    @TempDir Path tmp;
    Path mnt;

    /** open, close and cachestat(2). Public: jnr implements it in a loader of its own. */
    public interface Libc {
        int open(String path, int flags);
        int close(int fd);
        int getpagesize();
        long syscall(long number, long a, long b, long c, long d);
    }

    private static final Libc LIBC = LibraryLoader.create(Libc.class).load("c");
    private static final long CACHESTAT = 451; // the same number on every architecture

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

    /** KiB of the upper copy left dirty or under writeback once appending one byte to the 64 MiB lower file returns. */
    private long unwrittenAfterAppend(String... options) throws Exception {
        List<String> args = new ArrayList<>(List.of(options));
        args.addAll(List.of("--lower", tmp.resolve("lower").toString(), "--upper", tmp.resolve("upper").toString(),
                "--work", tmp.resolve("work").toString(), mnt.toString()));
        var r = jfsmount(args.toArray(String[]::new));
        assertEquals(0, r.exit(), r.toString());
        Files.writeString(mnt.resolve("big"), "x", StandardOpenOption.APPEND);
        Path upper = tmp.resolve("upper/big");
        assertEquals(SIZE + 1, Files.size(upper), "copied up, with the byte appended");
        return unwrittenKib(upper);
    }

    /** The file's pages in the page cache that are dirty or being written back, in KiB. */
    private static long unwrittenKib(Path file) {
        int fd = LIBC.open(file.toString(), 0);
        assertTrue(fd >= 0, "open " + file);
        Runtime rt = Runtime.getSystemRuntime();
        Pointer range = Memory.allocateDirect(rt, 16, true); // offset 0, length 0: the whole file
        Pointer stat = Memory.allocateDirect(rt, 40, true); // nr_cache, nr_dirty, nr_writeback, ...
        try {
            assertEquals(0, LIBC.syscall(CACHESTAT, fd, range.address(), stat.address(), 0), "cachestat(2) (Linux 6.5+)");
        } finally {
            LIBC.close(fd);
        }
        return (stat.getLong(8) + stat.getLong(16)) * LIBC.getpagesize() / 1024;
    }

    @Test
    void aCopyUpIsOnDiskWhenTheWriteThatCausedItReturns() throws Exception {
        long unwritten = unwrittenAfterAppend();
        assertTrue(unwritten < (SIZE >> 10) / 4, "copying up 64 MiB left " + unwritten + " KiB unwritten");
    }

    @Test
    void volatileLeavesTheCopyToWriteback() throws Exception {
        long unwritten = unwrittenAfterAppend("-o", "volatile");
        assertTrue(unwritten > (SIZE >> 10) * 3 / 4, "with -o volatile, copying up 64 MiB left only " + unwritten + " KiB unwritten");
    }
}
