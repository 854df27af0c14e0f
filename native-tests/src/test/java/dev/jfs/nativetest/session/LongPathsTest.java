package dev.jfs.nativetest.session;

import static org.junit.jupiter.api.Assertions.*;

import dev.jfs.posix.Errno;
import dev.jfs.posix.FsException;
import dev.jfs.posix.Posix;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A path of 4095 bytes through the mount (the most the kernel takes; pjdfstest's {@code *}/03.t)
 * works, although the layers' own paths, under a directory of 200 bytes, make it over PATH_MAX
 * on the layer filesystem: mkdir, create, rename, link, symlink, unlink and rmdir at the bottom
 * of a chain of lower directories, and a write to a lower file there (its copy-up), as on the
 * kernel's overlayfs.
 */
class LongPathsTest extends StackTest {
    /** Fifteen lower directories of 250 bytes: a merged path of 3764 bytes. */
    static final List<String> CHAIN = chain();
    static final String BOTTOM = String.join("/", CHAIN);
    /** A 250-byte directory made through the mount at the bottom, and 79-byte names in it: 4095 bytes. */
    static final String DIR = BOTTOM + "/" + "n".repeat(250);
    static final String F = DIR + "/" + "f".repeat(79), G = DIR + "/" + "g".repeat(79);
    static final String H = DIR + "/" + "h".repeat(79), S = DIR + "/" + "s".repeat(79);
    /** A lower file at the bottom whose own path, and its copy-up's, pass PATH_MAX. */
    static final String LOWER_FILE = BOTTOM + "/" + "l".repeat(200), RENAMED = BOTTOM + "/" + "r".repeat(200);

    Path base, lower;

    @BeforeEach
    void layer() throws Exception {
        base = Files.createDirectories(tmp.resolve("b".repeat(200)));
        lower = base.resolve("lower");
        Files.createDirectories(lower.resolve(BOTTOM));
        int fd = Posix.open(lower + "/" + LOWER_FILE, Posix.O_WRONLY | Posix.O_CREAT | Posix.O_EXCL, 0644);
        try {
            Posix.writeFully(fd, "lower\n".getBytes(StandardCharsets.UTF_8), 6);
        } finally {
            Posix.close(fd);
        }
    }

    @AfterEach
    void unmount() {
        if (stack != null) stack.close();
        // JUnit's cleanup cannot remove the uppers: their paths are too long for java.nio.
        Processes.ok("rm", "-rf", base.toString());
    }

    @ParameterizedTest
    @EnumSource(Fs.class)
    void everyCallWorksAtTheBottomOfA4095BytePath(Fs fs) throws Exception {
        assertEquals(4095, F.getBytes(StandardCharsets.UTF_8).length);
        assertTrue((lower + "/" + LOWER_FILE).getBytes(StandardCharsets.UTF_8).length > 4096);
        stack = Stack.mount(fs, base, lower);
        String mnt = stack.mnt.toString() + "/";

        append(mnt + LOWER_FILE, "more\n", fs + ": writing a lower file 15 directories deep");
        ok(() -> Posix.mkdir(mnt + DIR, 0755), fs + ": mkdir at 4015 bytes");
        ok(() -> Posix.close(Posix.open(mnt + F, Posix.O_WRONLY | Posix.O_CREAT | Posix.O_EXCL, 0644)), fs + ": create at 4095 bytes");
        append(mnt + F, "new\n", fs + ": writing the new file");
        ok(() -> Posix.rename(mnt + F, mnt + G), fs + ": rename at 4095 bytes");
        ok(() -> Posix.link(mnt + G, mnt + H), fs + ": link at 4095 bytes");
        assertEquals(2, Posix.lstat(mnt + H).nlink(), fs + ": the link count");
        ok(() -> Posix.symlink("h", mnt + S), fs + ": symlink at 4095 bytes");
        assertEquals("h", Posix.readlink(mnt + S), fs + ": readlink");
        ok(() -> Posix.unlink(mnt + G), fs + ": unlink at 4095 bytes");
        assertEquals(List.of("h".repeat(79), "s".repeat(79)), names(mnt + DIR), fs + ": the names at the bottom");
        assertEquals("new\n", read(mnt + H), fs + ": the linked file");
        FsException full = assertThrows(FsException.class, () -> Posix.rmdir(mnt + DIR), fs + ": rmdir of a full directory");
        assertEquals(Errno.ENOTEMPTY, full.errno(), fs + ": rmdir of a full directory");
        ok(() -> Posix.chmod(mnt + H, 0600), fs + ": chmod at 4095 bytes");
        ok(() -> Posix.truncate(mnt + H, 2), fs + ": truncate at 4095 bytes");
        assertEquals("ne", read(mnt + H), fs + ": the truncated file");
        ok(() -> Posix.unlink(mnt + H), fs + ": unlink of the last name");
        ok(() -> Posix.unlink(mnt + S), fs + ": unlink of the symlink");
        ok(() -> Posix.rmdir(mnt + DIR), fs + ": rmdir at 4015 bytes");
        ok(() -> Posix.rename(mnt + LOWER_FILE, mnt + RENAMED), fs + ": renaming the copied-up file");

        stack.remount();
        assertEquals(List.of("r".repeat(200)), names(mnt + BOTTOM), fs + ", remounted: the names at the bottom");
        assertEquals("lower\nmore\n", read(mnt + RENAMED), fs + ", remounted: the copied-up file");
    }

    /** Fails but for an operation the kernel's overlayfs did when {@code fs} refused it. */
    private static void ok(Runnable operation, String what) {
        try {
            operation.run();
        } catch (FsException e) {
            fail(what + ": " + Posix.strerror(e.errno()));
        }
    }

    private static void append(String path, String text, String what) {
        ok(() -> {
            int fd = Posix.open(path, Posix.O_WRONLY | Posix.O_APPEND, 0);
            try {
                byte[] b = text.getBytes(StandardCharsets.UTF_8);
                Posix.writeFully(fd, b, b.length);
            } finally {
                Posix.close(fd);
            }
        }, what);
    }

    private static String read(String path) {
        int fd = Posix.open(path, Posix.O_RDONLY, 0);
        try {
            byte[] b = new byte[64];
            return new String(b, 0, Posix.readFully(fd, b), StandardCharsets.UTF_8);
        } finally {
            Posix.close(fd);
        }
    }

    private static List<String> names(String dir) {
        return Posix.readDir(dir).stream().map(e -> e.name()).sorted().toList();
    }

    private static List<String> chain() {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 15; i++) names.add(String.format("%02d", i) + "d".repeat(248));
        return names;
    }
}
