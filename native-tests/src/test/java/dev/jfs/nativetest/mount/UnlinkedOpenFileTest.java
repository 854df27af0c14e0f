package dev.jfs.nativetest.mount;

import static dev.jfs.nativetest.CliProcess.*;
import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file deleted while open stays usable through its descriptor, as on any filesystem: the
 * mkstemp-then-unlink pattern (apt-get update does it for every signed file it checks). Found by
 * scripts/e2e-debian: with libfuse's hard_remove, write answered ENOENT, and so did fstat (the
 * kernel's GETATTR for fstat carries no file handle, so libfuse needs the name it had removed).
 */
class UnlinkedOpenFileTest {
    @TempDir Path tmp;
    Path lower, upper, work, mnt;

    @BeforeEach
    void layers() throws Exception {
        lower = Files.createDirectories(tmp.resolve("lower"));
        Files.createDirectories(lower.resolve("etc"));
        Files.writeString(lower.resolve("etc/motd"), "welcome\n");
        Files.createDirectories(lower.resolve("tmp"));
        upper = tmp.resolve("upper");
        work = tmp.resolve("work");
        mnt = Files.createDirectories(tmp.resolve("mnt"));
        var r = jfsmount("--lower", lower.toString(), "--upper", upper.toString(), "--work", work.toString(), mnt.toString());
        assertEquals(0, r.exit(), r.toString());
    }

    @AfterEach
    void unmount() {
        forceUnmount(mnt);
    }

    static List<String> names(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aNewFileDeletedWhileOpenCanBeWrittenReadStatedAndTruncated() throws Exception {
        Path f = mnt.resolve("tmp/clearsigned.message");
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            Files.delete(f);
            assertFalse(Files.exists(f));
            byte[] data = "Origin: Debian\n".repeat(1000).getBytes(StandardCharsets.US_ASCII);
            assertEquals(data.length, ch.write(ByteBuffer.wrap(data), 0));
            assertEquals(data.length, ch.size(), "fstat after write");
            ByteBuffer back = ByteBuffer.allocate(data.length);
            while (back.hasRemaining() && ch.read(back, back.position()) > 0) {}
            assertArrayEquals(data, back.array());
            ch.truncate(6);
            assertEquals(6, ch.size());
            ch.force(true);
        }
        assertEquals(List.of(), names(mnt.resolve("tmp")), "nothing left once closed");
        assertEquals(List.of(), names(upper.resolve("tmp")), "nothing left in the upper");
    }

    @Test
    void aLowerFileDeletedWhileOpenKeepsItsContentAndLeavesAWhiteout() throws Exception {
        Path f = mnt.resolve("etc/motd");
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
            Files.delete(f);
            assertFalse(Files.exists(f));
            assertEquals(8, ch.size());
            ByteBuffer b = ByteBuffer.allocate(8);
            ch.read(b, 0);
            assertEquals("welcome\n", new String(b.array(), StandardCharsets.US_ASCII));
        }
        assertEquals(List.of(), names(mnt.resolve("etc")));
        assertEquals(List.of("motd"), names(upper.resolve("etc")), "only the whiteout");
        assertEquals("c 0 0", sh("stat -c '%F' " + upper.resolve("etc/motd") + " | sed 's/character special file/c/'; "
                + "stat -c '%t %T' " + upper.resolve("etc/motd")).lines().reduce((a, b) -> a + " " + b).orElse(""));
        assertEquals("welcome\n", Files.readString(lower.resolve("etc/motd")), "the lower is untouched");
    }

    @Test
    void aFileDeletedWhileOpenStillShowsItsXattrsThroughItsDescriptor() throws Exception {
        String f = mnt.resolve("tmp/with-xattrs").toString();
        int fd = dev.jfs.posix.Posix.open(f, dev.jfs.posix.Posix.O_RDWR | dev.jfs.posix.Posix.O_CREAT, 0644);
        try {
            dev.jfs.posix.Posix.setxattr(f, "user.kept", "yes".getBytes(StandardCharsets.US_ASCII), 0);
            dev.jfs.posix.Posix.unlink(f);
            assertFalse(Files.exists(Path.of(f)));
            assertArrayEquals("yes".getBytes(StandardCharsets.US_ASCII), dev.jfs.posix.Posix.fgetxattr(fd, "user.kept"));
            assertNull(dev.jfs.posix.Posix.fgetxattr(fd, "user.none"), "ENODATA for a name it has not");
            assertNull(dev.jfs.posix.Posix.fgetxattr(fd, "security.capability"), "asked by the kernel before each write");
            assertEquals(List.of("user.kept"), dev.jfs.posix.Posix.flistxattr(fd));
        } finally {
            dev.jfs.posix.Posix.close(fd);
        }
    }
}
