package dev.jfs.nativetest.session;

import static dev.jfs.nativetest.session.Processes.NOBODY;
import static org.junit.jupiter.api.Assertions.*;

import dev.jfs.nativetest.CliProcess.Result;
import dev.jfs.posix.Posix;
import dev.jfs.posix.Stat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Mounted by root with default options, the stack serves every user with permissions from the
 * mode bits, as the kernel's overlayfs does and a container's processes under other uids need:
 * another user reads a 0644 file and lists directories, is refused writing a root-owned 0644
 * file or removing it from a 0755 directory (EACCES), and creates files in a 0777 directory,
 * owned by it.
 */
class OtherUsersTest extends StackTest {

    @BeforeEach
    void layer() throws Exception {
        // The user must be able to reach the mountpoint: JUnit makes its directory 0700.
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        lower = Files.createDirectories(tmp.resolve("lower/dir"));
        Files.writeString(lower.resolve("a"), "a\n");
        Files.writeString(lower.resolve("b"), "b\n");
        lower = tmp.resolve("lower");
        Files.writeString(lower.resolve("f"), "root's file\n");
        Posix.chmod(lower.resolve("f").toString(), 0644);
        Posix.chmod(Files.createDirectories(lower.resolve("pub")).toString(), 0777);
    }

    @ParameterizedTest
    @EnumSource(Fs.class)
    void anotherUserIsServedByTheModeBits(Fs fs) throws Exception {
        stack = Stack.mount(fs, tmp, lower);
        String f = stack.path("f").toString(), dir = stack.path("dir").toString(), pub = stack.path("pub").toString();

        assertResult(0, "root's file\n", Processes.asNobody("cat '" + f + "'"), fs + ": reading a 0644 file");
        assertResult(0, "a\nb\n", Processes.asNobody("ls '" + dir + "'"), fs + ": listing a directory");
        assertRefused(Processes.asNobody("echo x >> '" + f + "'"), fs + ": writing root's 0644 file");
        assertRefused(Processes.asNobody("rm -f '" + f + "'"), fs + ": removing a file from root's 0755 directory");
        assertRefused(Processes.asNobody("mkdir '" + dir + "/sub'"), fs + ": making a directory in root's 0755 directory");
        assertResult(0, "mine\n", Processes.asNobody("echo mine > '" + pub + "/mine' && cat '" + pub + "/mine'"),
                fs + ": creating a file in a 0777 directory");

        assertEquals("root's file\n", Files.readString(stack.path("f")), fs + ": root's file unchanged");
        Stat mine = Posix.lstat(pub + "/mine");
        assertEquals(NOBODY + ":" + NOBODY, mine.uid() + ":" + mine.gid(), fs + ": the new file's owner through the mount");
        Stat inUpper = Posix.lstat(stack.upper.resolve("pub/mine").toString());
        assertEquals(NOBODY + ":" + NOBODY, inUpper.uid() + ":" + inUpper.gid(), fs + ": the new file's owner in the upper");
    }

    private static void assertResult(int exit, String out, Result r, String what) {
        assertEquals(exit, r.exit(), what + ": " + r);
        assertEquals(out, r.out(), what);
    }

    private static void assertRefused(Result r, String what) {
        assertNotEquals(0, r.exit(), what + " should be refused: " + r);
        assertTrue(r.err().contains("Permission denied"), what + " should be refused with EACCES: " + r);
    }
}
