package dev.jfs.nativetest.mount;

import static dev.jfs.nativetest.CliProcess.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.jfs.posix.Posix;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data moves in requests of up to 1 MiB (libfuse2 alone caps them at 128 KiB; LargeRequests
 * widens the INIT reply), and the bytes still arrive intact, at the right offsets, both ways.
 * The request sizes are read from jfs's debug log of the mount.
 */
class LargeRequestsTest {
    @TempDir Path tmp;

    @Test
    void oneMegabyteWritesAndReadsCrossInSingleRequestsIntact() throws Exception {
        requireRootAndFuse();
        Path lower = Files.createDirectories(tmp.resolve("lower"));
        byte[] lowerData = new byte[5 << 20];
        new Random(7).nextBytes(lowerData);
        Files.write(lower.resolve("big"), lowerData);
        Path mnt = Files.createDirectories(tmp.resolve("mnt"));
        Path log = tmp.resolve("debug.log");
        Process p = new ProcessBuilder(java("dev.jfs.cli.JfsMount", "-f", "-o", "debug,nopassthrough", "--lower", lower.toString(),
                "--upper", tmp.resolve("upper").toString(), "--work", tmp.resolve("work").toString(), mnt.toString()))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (!Files.exists(mnt.resolve("big")) && System.nanoTime() < deadline) Thread.sleep(20);
            assertTrue(Files.exists(mnt.resolve("big")), "mounted");

            byte[] written = new byte[3 << 20];
            new Random(11).nextBytes(written);
            try (OutputStream out = Files.newOutputStream(mnt.resolve("new"))) {
                out.write(written, 0, 1 << 20); // one write(2) call each
                out.write(written, 1 << 20, 2 << 20);
            }
            assertArrayEquals(written, Files.readAllBytes(mnt.resolve("new")));
            assertArrayEquals(written, Files.readAllBytes(tmp.resolve("upper/new")));

            byte[] read = new byte[lowerData.length];
            try (RandomAccessFile in = new RandomAccessFile(mnt.resolve("big").toFile(), "r")) {
                in.readFully(read);
            }
            assertArrayEquals(lowerData, read, "the lower file read through the mount");
        } finally {
            stopForeground(mnt, p);
        }
        String debug = Files.readString(log);
        assertTrue(largest(debug, "write") == 1 << 20, "1 MiB WRITE requests; largest seen: " + largest(debug, "write"));
        assertTrue(largest(debug, "read") > 128 << 10, "READ requests above libfuse2's 128 KiB; largest seen: " + largest(debug, "read"));
    }

    /**
     * readahead(2) and fadvise(WILLNEED) read up to the mount's read-ahead window into its page
     * cache; on a file that passes through, its own reads never use those pages, so a read-ahead
     * of 8 MiB crosses into jfs as no READ larger than that window (256 KiB, not a request's 1 MiB).
     */
    @Test
    void aReadAheadOfAPassthroughFileAsksForNoMoreThanTheMountsWindow() throws Exception {
        requireRootAndFuse();
        Path mnt = Files.createDirectories(tmp.resolve("mnt"));
        Path log = tmp.resolve("debug.log");
        Process p = new ProcessBuilder(java("dev.jfs.cli.JfsMount", "-f", "-o", "debug", "--lower",
                Files.createDirectories(tmp.resolve("lower")).toString(), "--upper", tmp.resolve("upper").toString(),
                "--work", tmp.resolve("work").toString(), mnt.toString()))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        byte[] data = new byte[16 << 20];
        new Random(5).nextBytes(data);
        try {
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (!Files.readString(log).contains("mount ready") && System.nanoTime() < deadline) Thread.sleep(20);
            Files.write(mnt.resolve("f"), data);
            int fd = Posix.open(mnt.resolve("f").toString(), Posix.O_RDONLY, 0);
            try {
                assertTrue(Posix.willNeed(fd, 8 << 20), "posix_fadvise(WILLNEED)");
            } finally {
                Posix.close(fd);
            }
            assertArrayEquals(data, Files.readAllBytes(mnt.resolve("f")));
        } finally {
            stopForeground(mnt, p);
        }
        long largest = largest(Files.readString(log), "read");
        assertTrue(largest > 0, "the read-ahead came to jfs as READ requests");
        assertTrue(largest <= 256 << 10, "READs of at most 256 KiB; largest seen: " + largest);
    }

    /** The largest size jfs logged for an operation ("write[FH] N bytes to OFF"). */
    static long largest(String debugLog, String op) {
        Matcher m = Pattern.compile("(?m)^" + op + "\\[\\d+\\] (\\d+) bytes").matcher(debugLog);
        long max = 0;
        while (m.find()) max = Math.max(max, Long.parseLong(m.group(1)));
        return max;
    }
}
