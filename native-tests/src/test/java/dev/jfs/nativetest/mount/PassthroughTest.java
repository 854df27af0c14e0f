package dev.jfs.nativetest.mount;

import static dev.jfs.nativetest.CliProcess.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.jfs.posix.Posix;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files with one name created or opened to write, and large upper files opened to read, are
 * passed through to the kernel (Linux 6.9+, root): their reads and writes no longer reach jfs,
 * every way of opening, writing and reading a file still agrees on its bytes and attributes,
 * whichever open of it came first, and the lower layers never change.
 */
class PassthroughTest {
    @TempDir Path tmp;
    Path lower, upper, mnt;
    Process daemon;

    @BeforeEach
    void layers() throws Exception {
        lower = Files.createDirectories(tmp.resolve("lower"));
        Files.write(lower.resolve("lowfile"), bytes(1 << 20, 1));
        upper = tmp.resolve("upper");
        mnt = Files.createDirectories(tmp.resolve("mnt"));
    }

    @AfterEach
    void unmount() throws Exception {
        stopForeground(mnt, daemon);
    }

    static byte[] bytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** Mounts in the foreground with jfs's debug log going to {@code log}. */
    void mountLogging(Path log) throws Exception {
        daemon = new ProcessBuilder(java("dev.jfs.cli.JfsMount", "-f", "-o", "debug", "--lower", lower.toString(),
                "--upper", upper.toString(), "--work", tmp.resolve("work").toString(), mnt.toString()))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!Files.exists(mnt.resolve("lowfile")) && System.nanoTime() < deadline) Thread.sleep(20);
        assertTrue(Files.exists(mnt.resolve("lowfile")), "mounted");
    }

    void mount() {
        var r = jfsmount("--lower", lower.toString(), "--upper", upper.toString(), "--work", tmp.resolve("work").toString(),
                mnt.toString());
        assertEquals(0, r.exit(), r.toString());
    }

    /** FUSE passthrough came with Linux 6.9. */
    static boolean kernelPassesThrough() {
        Matcher m = Pattern.compile("^(\\d+)\\.(\\d+)").matcher(System.getProperty("os.version"));
        assertTrue(m.find(), "kernel version " + System.getProperty("os.version"));
        int major = Integer.parseInt(m.group(1)), minor = Integer.parseInt(m.group(2));
        return major > 6 || major == 6 && minor >= 9;
    }

    static int count(String log, String regex) {
        Matcher m = Pattern.compile(regex, Pattern.MULTILINE).matcher(log);
        int n = 0;
        while (m.find()) n++;
        return n;
    }

    @Test
    void writesToNewAndCopiedUpFilesGoStraightToTheUpper() throws Exception {
        Path log = tmp.resolve("debug.log");
        mountLogging(log);
        byte[] created = bytes(8 << 20, 2);
        Files.write(mnt.resolve("new"), created);
        byte[] tail = "appended".getBytes(StandardCharsets.UTF_8);
        Files.write(mnt.resolve("lowfile"), tail, StandardOpenOption.APPEND);

        assertEquals(created.length, Files.size(mnt.resolve("new")), "the size the kernel reports");
        assertArrayEquals(created, Files.readAllBytes(mnt.resolve("new")));
        assertArrayEquals(created, Files.readAllBytes(upper.resolve("new")));
        byte[] low = Files.readAllBytes(lower.resolve("lowfile"));
        byte[] expect = Arrays.copyOf(low, low.length + tail.length);
        System.arraycopy(tail, 0, expect, low.length, tail.length);
        assertArrayEquals(expect, Files.readAllBytes(mnt.resolve("lowfile")), "append after copy-up");
        assertArrayEquals(expect, Files.readAllBytes(upper.resolve("lowfile")));
        assertEquals(1 << 20, Files.size(lower.resolve("lowfile")), "the lower is untouched");

        String debug = Files.readString(log);
        assertTrue(count(debug, "^create.* /new") == 1, "the file was created through the mount");
        if (kernelPassesThrough()) {
            assertEquals(0, count(debug, "^write\\["), "no WRITE reached jfs: the kernel wrote the files itself");
            assertEquals(0, count(debug, READ_REQUEST), "nor a READ: the kernel read the new and the copied-up file");
        } else {
            assertTrue(count(debug, "^write\\[") > 0, "without passthrough, jfs writes");
        }
    }

    @Test
    void readsOfALargeUpperFileGoStraightToItButLowerFilesAndODirectReadsStillComeToJfs() throws Exception {
        byte[] data = bytes(1 << 20, 3);
        Files.createDirectories(upper);
        Files.write(upper.resolve("upfile"), data); // an upper file the mount never wrote
        Path log = tmp.resolve("debug.log");
        mountLogging(log);
        int before = count(Files.readString(log), READ_REQUEST);
        assertArrayEquals(data, Files.readAllBytes(mnt.resolve("upfile")));
        try (FileChannel r = FileChannel.open(mnt.resolve("upfile"), StandardOpenOption.READ)) {
            assertArrayEquals(Arrays.copyOfRange(data, 500_000, 500_100), read(r, 500_000, 100), "a read at an offset");
        }
        int upperReads = count(Files.readString(log), READ_REQUEST) - before;
        byte[] low = Files.readAllBytes(lower.resolve("lowfile"));
        assertArrayEquals(low, Files.readAllBytes(mnt.resolve("lowfile")));
        int lowerReads = count(Files.readString(log), READ_REQUEST) - before - upperReads;
        // An O_DIRECT reader is served by jfs from the page cache, as before (dd: Java's
        // ExtendedOpenOption.DIRECT would need aligned buffers).
        Process dd = new ProcessBuilder("dd", "if=" + mnt.resolve("upfile"), "of=" + tmp.resolve("direct"), "bs=64k",
                "iflag=direct", "status=none").redirectErrorStream(true).start();
        assertEquals(0, dd.waitFor(), new String(dd.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        assertArrayEquals(data, Files.readAllBytes(tmp.resolve("direct")));
        int direct = count(Files.readString(log), READ_REQUEST) - before - upperReads - lowerReads;

        if (kernelPassesThrough()) {
            assertEquals(0, upperReads, "no READ of the upper file reached jfs: the kernel read it itself");
        } else {
            assertTrue(upperReads > 0, "without passthrough, jfs serves every read");
        }
        assertTrue(lowerReads > 0, "a lower file is read through jfs");
        assertTrue(direct >= data.length / (64 << 10), "each O_DIRECT read reached jfs: " + direct);
        assertFalse(Files.exists(upper.resolve("lowfile")), "reading copied nothing up");
    }

    @Test
    void aSharedMappingOfALowerFileCopiedUpWhileOpenToReadWritesTheCopyNeverTheLower() throws Exception {
        mount();
        Path f = mnt.resolve("lowfile");
        byte[] low = Files.readAllBytes(lower.resolve("lowfile"));
        try (FileChannel r = FileChannel.open(f, StandardOpenOption.READ)) {
            read(r, 0, 4096);
            try (FileChannel rw = FileChannel.open(f, StandardOpenOption.READ, StandardOpenOption.WRITE)) { // copies it up
                MappedByteBuffer map = rw.map(FileChannel.MapMode.READ_WRITE, 0, 4096);
                map.put(0, (byte) 'H').put(1, (byte) 'I');
                map.force();
            }
        }
        assertArrayEquals(low, Files.readAllBytes(lower.resolve("lowfile")), "the lower layer never changes");
        byte[] merged = Files.readAllBytes(f);
        assertEquals('H', merged[0]);
        assertEquals('I', merged[1]);
        assertArrayEquals(merged, Files.readAllBytes(upper.resolve("lowfile")), "the mapping wrote the copy");
    }

    /** A READ in jfs's debug log. */
    static final String READ_REQUEST = "opcode: READ \\(15\\)";

    @Test
    void opensOfOneFileAgreeOnItsBytesWhicheverCameFirst() throws Exception {
        mount();
        Path f = mnt.resolve("f");
        Files.write(f, new byte[1 << 20]);
        // A reader fills the page cache; a writer opened after it closed overwrites in place.
        try (FileChannel r = FileChannel.open(f, StandardOpenOption.READ)) {
            assertEquals(0, read(r, 8192, 4)[0]);
        }
        for (int round = 1; round <= 3; round++) {
            try (FileChannel w = FileChannel.open(f, StandardOpenOption.WRITE)) {
                w.write(ByteBuffer.wrap(new byte[] {(byte) round, 2, 3, 4}), 8192);
            }
            try (FileChannel r = FileChannel.open(f, StandardOpenOption.READ)) {
                assertEquals(round, read(r, 8192, 4)[0], "a new reader sees write " + round);
            }
        }
        // A reader open first, a writer second, both open at once.
        try (FileChannel r = FileChannel.open(f, StandardOpenOption.READ);
                FileChannel w = FileChannel.open(f, StandardOpenOption.WRITE)) {
            w.write(ByteBuffer.wrap(new byte[] {9}), 0);
            assertEquals(9, read(r, 0, 1)[0], "the open reader sees the write");
        }
        // A writer open first, then a reader, then another writer.
        try (FileChannel w = FileChannel.open(f, StandardOpenOption.WRITE);
                FileChannel r = FileChannel.open(f, StandardOpenOption.READ)) {
            w.write(ByteBuffer.wrap(new byte[] {7}), 0);
            assertEquals(7, read(r, 0, 1)[0]);
            try (FileChannel w2 = FileChannel.open(f, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
                w2.write(ByteBuffer.wrap(new byte[] {5, 5}));
            }
            assertEquals((1 << 20) + 2, Files.size(f), "the append shows in the size at once");
            assertArrayEquals(new byte[] {5, 5}, read(r, 1 << 20, 2));
        }
        // Shared mappings write through to the same file.
        try (FileChannel rw = FileChannel.open(f, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            MappedByteBuffer map = rw.map(FileChannel.MapMode.READ_WRITE, 0, 4096);
            map.put(100, (byte) 42);
            map.force();
        }
        assertEquals(42, Files.readAllBytes(f)[100]);
        assertEquals(42, Files.readAllBytes(upper.resolve("f"))[100]);
        // Truncating an open file.
        try (FileChannel w = FileChannel.open(f, StandardOpenOption.WRITE)) {
            w.truncate(4096);
            assertEquals(4096, Files.size(f));
        }
        assertEquals(4096, Files.readAllBytes(f).length);
    }

    @Test
    void aLowerFileOpenToReadStillLetsItselfBeOpenedToWrite() throws Exception {
        mount();
        Path f = mnt.resolve("lowfile");
        try (FileChannel r = FileChannel.open(f, StandardOpenOption.READ)) {
            read(r, 0, 4096);
            try (FileChannel w = FileChannel.open(f, StandardOpenOption.WRITE)) { // copies it up
                w.write(ByteBuffer.wrap(new byte[] {1, 2, 3}), 0);
            }
            try (FileChannel r2 = FileChannel.open(f, StandardOpenOption.READ)) {
                assertArrayEquals(new byte[] {1, 2, 3}, read(r2, 0, 3));
            }
        }
        assertArrayEquals(new byte[] {1, 2, 3}, Arrays.copyOf(Files.readAllBytes(upper.resolve("lowfile")), 3));
    }

    @Test
    void aFileLinkedWhileOpenShowsItsWritesUnderTheOtherNameOnceReleased() throws Exception {
        mount();
        Path a = mnt.resolve("a"), b = mnt.resolve("b");
        try (FileChannel w = FileChannel.open(a, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            w.write(ByteBuffer.wrap(new byte[10]));
            Files.createLink(b, a);
            assertEquals(10, Files.size(b));
            w.write(ByteBuffer.wrap(new byte[100]));
        }
        assertEquals(110, Files.size(a));
        // jfs never sees these writes (the kernel makes them) and refreshes the other name when the
        // kernel releases the file: RELEASE is sent after close(2) has returned, so allow it a moment.
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (Files.size(b) != 110 && System.nanoTime() < deadline) Thread.sleep(10);
        assertEquals(110, Files.size(b), "the other name's cached size was refreshed at release");
        assertEquals(2, Files.getAttribute(b, "unix:nlink"));
    }

    @Test
    void aSecondWriterOfAPassedThroughFileWithTwoNamesRefreshesTheOtherName() throws Exception {
        mount();
        Path a = mnt.resolve("a"), b = mnt.resolve("b");
        try (FileChannel w = FileChannel.open(a, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            Files.createLink(b, a);
            assertEquals(0, Files.size(b));
            // Opened while the first open passes through: it passes through too, though the file
            // now has two names, so its writes never reach jfs either.
            try (FileChannel w2 = FileChannel.open(a, StandardOpenOption.WRITE)) {
                w2.write(ByteBuffer.wrap(new byte[1000]));
            }
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (Files.size(b) != 1000 && System.nanoTime() < deadline) Thread.sleep(10);
            assertEquals(1000, Files.size(b), "the other name's size after the second writer's release");
        }
    }

    /**
     * readahead(2) on a file that passes through fills the mount's page cache, which the file's
     * passthrough writes then go past: a later cached open (a small file opened to read, once
     * every passthrough open is released) must not read those pages.
     */
    @Test
    void aCachedOpenAfterAPassthroughNeverReadsPagesReadAheadBeforeItsWrites() throws Exception {
        Path log = tmp.resolve("debug.log");
        mountLogging(log);
        Path f = mnt.resolve("small");
        byte[] before = bytes(64 << 10, 3), after = bytes(64 << 10, 4);
        try (FileChannel w = FileChannel.open(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            w.write(ByteBuffer.wrap(before), 0);
            int fd = Posix.open(f.toString(), Posix.O_RDONLY, 0);
            try {
                assertTrue(Posix.willNeed(fd, before.length), "posix_fadvise(WILLNEED)");
                long deadline = System.nanoTime() + 10_000_000_000L;
                while (count(Files.readString(log), READ_REQUEST) == 0 && System.nanoTime() < deadline) Thread.sleep(10);
                if (kernelPassesThrough()) assertTrue(count(Files.readString(log), READ_REQUEST) > 0, "the read-ahead came as READs");
                Thread.sleep(100); // their answers into the page cache
            } finally {
                Posix.close(fd);
            }
            w.write(ByteBuffer.wrap(after), 0);
        }
        // Both releases answered: the next open decides afresh, and a small file opened to read is cached.
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (count(Files.readString(log), "^unique: \\d+, opcode: RELEASE") < 2 && System.nanoTime() < deadline) Thread.sleep(10);
        Thread.sleep(100);
        assertArrayEquals(after, Files.readAllBytes(f), "the bytes last written, not the ones read ahead before them");
    }

    static byte[] read(FileChannel ch, long at, int n) throws Exception {
        ByteBuffer buf = ByteBuffer.allocate(n);
        while (buf.hasRemaining() && ch.read(buf, at + buf.position()) > 0) {}
        return buf.array();
    }
}
