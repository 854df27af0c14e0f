package dev.jfs.nativetest.mount;

import static dev.jfs.nativetest.CliProcess.*;
import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A mounted stack driven by plain file operations, as any program would use it. */
class MountBehaviourTest {
    @TempDir Path tmp;
    Path lower1, lower2, upper, work, mnt;

    @BeforeEach
    void layers() throws Exception {
        lower1 = Files.createDirectories(tmp.resolve("l1"));
        lower2 = Files.createDirectories(tmp.resolve("l2"));
        Files.createDirectories(lower2.resolve("usr/share/doc"));
        for (int i = 0; i < 50; i++) Files.writeString(lower2.resolve("usr/share/doc/f" + i), "doc " + i);
        Files.writeString(lower1.resolve("motd"), "welcome\n");
        Files.createDirectories(lower1.resolve("usr/share"));
        Files.writeString(lower1.resolve("usr/share/über"), "ü\n");
        upper = tmp.resolve("upper");
        work = tmp.resolve("work");
        mnt = Files.createDirectories(tmp.resolve("mnt"));
    }

    @AfterEach
    void unmount() {
        forceUnmount(mnt);
    }

    void mount(Path at, Path up, Path wk) {
        var r = jfsmount("--lower", lower1 + ":" + lower2, "--upper", up.toString(), "--work", wk.toString(), at.toString());
        assertEquals(0, r.exit(), r.toString());
    }

    void umount(Path at) {
        var r = jfs("umount", at.toString());
        assertEquals(0, r.exit(), r.toString());
    }

    static Set<String> list(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        }
    }

    @Test
    void inodeNumbersSurviveCopyUpAndRemount() throws Exception {
        mount(mnt, upper, work);
        Object before = Files.getAttribute(mnt.resolve("usr/share/doc/f1"), "unix:ino");
        Object dirBefore = Files.getAttribute(mnt.resolve("usr/share"), "unix:ino");
        Files.writeString(mnt.resolve("usr/share/doc/f1"), "changed");
        assertEquals(before, Files.getAttribute(mnt.resolve("usr/share/doc/f1"), "unix:ino"));
        umount(mnt);
        mount(mnt, upper, work);
        assertEquals(before, Files.getAttribute(mnt.resolve("usr/share/doc/f1"), "unix:ino"));
        assertEquals(dirBefore, Files.getAttribute(mnt.resolve("usr/share"), "unix:ino"));
        assertEquals("changed", Files.readString(mnt.resolve("usr/share/doc/f1")));
    }

    @Test
    void namesBeyondAsciiRoundTrip() throws Exception {
        mount(mnt, upper, work);
        assertEquals("ü\n", Files.readString(mnt.resolve("usr/share/über"), StandardCharsets.UTF_8));
        Files.writeString(mnt.resolve("日本語.txt"), "ja");
        assertTrue(list(mnt).contains("日本語.txt"));
        assertTrue(Files.exists(upper.resolve("日本語.txt")));
    }

    @Test
    void manyThreadsWritingAndReadingAtOnce() throws Exception {
        mount(mnt, upper, work);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> jobs = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int id = t;
                jobs.add(pool.submit(() -> {
                    Path dir = Files.createDirectories(mnt.resolve("usr/share/t" + id));
                    for (int i = 0; i < 100; i++) {
                        Files.writeString(dir.resolve("f" + i), "t" + id + "-" + i);
                        assertEquals("doc " + (i % 50), Files.readString(mnt.resolve("usr/share/doc/f" + (i % 50))));
                    }
                    for (int i = 0; i < 100; i += 2) Files.delete(dir.resolve("f" + i));
                    return null;
                }));
            }
            for (Future<?> j : jobs) j.get();
        } finally {
            pool.shutdown();
        }
        for (int t = 0; t < 8; t++) {
            Set<String> names = list(mnt.resolve("usr/share/t" + t));
            assertEquals(50, names.size());
            assertEquals("t" + t + "-99", Files.readString(mnt.resolve("usr/share/t" + t + "/f99")));
        }
    }

    @Test
    void severalMountsShareTheSameLowers() throws Exception {
        Path mnt2 = Files.createDirectories(tmp.resolve("mnt2"));
        try {
            mount(mnt, upper, work);
            mount(mnt2, tmp.resolve("upper2"), tmp.resolve("work2"));
            Files.delete(mnt.resolve("motd"));
            Files.writeString(mnt2.resolve("motd"), "second\n");
            assertFalse(Files.exists(mnt.resolve("motd")));
            assertEquals("second\n", Files.readString(mnt2.resolve("motd")));
            assertEquals("welcome\n", Files.readString(lower1.resolve("motd")));
        } finally {
            forceUnmount(mnt2);
        }
    }

    @Test
    void userXattrsPassThroughAndOverlayOnesStayHidden() throws Exception {
        mount(mnt, upper, work);
        Files.move(mnt.resolve("usr/share/doc"), mnt.resolve("docs")); // leaves a redirect xattr
        var view = Files.getFileAttributeView(mnt.resolve("docs"), UserDefinedFileAttributeView.class);
        view.write("note", ByteBuffer.wrap("kept".getBytes()));
        assertEquals(List.of("note"), view.list());
        assertEquals(50, list(mnt.resolve("docs")).size());
        String attrs = sh("getfattr -d -m - '" + mnt.resolve("docs") + "' 2>&1; true");
        assertFalse(attrs.contains("overlay") || attrs.contains("jfs."), attrs);
    }

    @Test
    void fsyncAndLargeWritesLand() throws Exception {
        mount(mnt, upper, work);
        byte[] big = new byte[5 << 20];
        new java.util.Random(7).nextBytes(big);
        try (var ch = java.nio.channels.FileChannel.open(mnt.resolve("big"), java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(big));
            ch.force(true);
        }
        assertArrayEquals(big, Files.readAllBytes(upper.resolve("big")));
        assertArrayEquals(big, Files.readAllBytes(mnt.resolve("big")));
    }

    /**
     * A write through one name of a hard-linked file makes jfs have the kernel fetch the other
     * name's attributes again, through the mount, which needs a free request thread. On a mount
     * with a single one that hung the writer; now the write returns and the other name still
     * shows the new size and content.
     */
    @Test
    void aWriteToAHardLinkedFileOnOneRequestThreadReturnsAndShowsThroughTheOtherName() throws Exception {
        var r = jfsmount("-o", "threads=1", "--lower", lower1 + ":" + lower2, "--upper", upper.toString(),
                "--work", work.toString(), mnt.toString());
        assertEquals(0, r.exit(), r.toString());
        Path name = mnt.resolve("motd"), other = mnt.resolve("motd-link");
        Files.createLink(other, name);
        assertEquals(8, Files.size(other));
        // In a process that can be killed: a write that hangs in FUSE would hang its caller.
        var append = run(List.of("timeout", "-s", "KILL", "20", "sh", "-c", "printf more >> '" + name + "'"));
        assertEquals(0, append.exit(), "the append returned: " + append);
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (Files.size(other) != 12 && System.nanoTime() < deadline) Thread.sleep(20);
        assertEquals(12, Files.size(other), "size through the other name");
        assertEquals("welcome\nmore", Files.readString(other));
    }

    /**
     * The kernel caches each name's attributes, so a write through one name of a hard-linked file
     * must refresh the others, also under a directory renamed since the kernel looked them up
     * (seed 74 of the differential test: the other name kept its old size, and reads of it
     * stopped there).
     */
    @Test
    void aHardLinkInARenamedDirectorySeesWritesThroughTheOtherName() throws Exception {
        mount(mnt, upper, work);
        Path name = mnt.resolve("motd");
        Files.createDirectories(mnt.resolve("dir"));
        Files.createLink(mnt.resolve("dir/link"), name);
        assertEquals(8, Files.size(mnt.resolve("dir/link")));
        Files.move(mnt.resolve("dir"), mnt.resolve("moved"));
        Path other = mnt.resolve("moved/link");
        assertEquals(8, Files.size(other));
        Files.writeString(name, "more", java.nio.file.StandardOpenOption.APPEND);
        assertEquals(12, Files.size(other), "size through the other name");
        assertEquals("welcome\nmore", Files.readString(other));
    }

    /**
     * The kernel sends RELEASE after close(2) has returned, so the refresh of the other names
     * that a release makes can run beside the next change's refresh. The older answer must
     * never win (seed 154 of the differential test: after a write, then a truncate, through one
     * name, the other name showed the size from before the truncate).
     */
    @Test
    void aHardLinkSeesTheLastChangeWhenACloseRacesTheNextOne() throws Exception {
        mount(mnt, upper, work);
        Path name = mnt.resolve("motd");
        Path other = mnt.resolve("link");
        Files.createLink(other, name);
        assertEquals(8, Files.size(other));
        for (int i = 1; i <= 300; i++) {
            Files.writeString(name, "x".repeat(i)); // open O_TRUNC, write, close: RELEASE follows
            dev.jfs.posix.Posix.truncate(name.toString(), 1000 + i); // while that RELEASE may be in flight
            assertEquals(1000 + i, Files.size(other), "size through the other name, round " + i);
        }
    }

    /**
     * An upper that fills up: the writer gets ENOSPC, as on the kernel's overlay, what fit is
     * there and readable, and the mount goes on serving.
     */
    @Test
    void aFullUpperGivesTheWriterNoSpaceAndKeepsWhatFit() throws Exception {
        Path small = Files.createDirectories(tmp.resolve("small"));
        assertEquals("", sh("mount -t tmpfs -o size=1m jfs-test-small '" + small + "' 2>&1"));
        try {
            mount(mnt, small.resolve("upper"), small.resolve("work"));
            byte[] data = new byte[3 << 20];
            new java.util.Random(3).nextBytes(data);
            IOException full = assertThrows(IOException.class, () -> {
                try (var out = Files.newOutputStream(mnt.resolve("big"))) {
                    for (int off = 0; off < data.length; off += 256 << 10) out.write(data, off, 256 << 10);
                }
            });
            assertTrue(full.getMessage().contains("No space left on device"), full.getMessage());
            byte[] landed = Files.readAllBytes(mnt.resolve("big"));
            assertTrue(landed.length > 0 && landed.length < data.length, "bytes that fit: " + landed.length);
            assertArrayEquals(java.util.Arrays.copyOf(data, landed.length), landed);
            assertArrayEquals(landed, Files.readAllBytes(small.resolve("upper/big")));
            assertEquals("welcome\n", Files.readString(mnt.resolve("motd")));
        } finally {
            forceUnmount(mnt);
            forceUnmount(small);
        }
    }

    @Test
    void statfsReportsTheUpperFilesystem() throws Exception {
        mount(mnt, upper, work);
        var mounted = Files.getFileStore(mnt);
        var backing = Files.getFileStore(upper);
        assertEquals(backing.getTotalSpace(), mounted.getTotalSpace());
    }
}
