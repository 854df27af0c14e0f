package dev.jfs.nativetest.session;

import static org.junit.jupiter.api.Assertions.*;

import dev.jfs.posix.FsException;
import dev.jfs.posix.Posix;
import dev.jfs.posix.Stat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * mknod of a character device 0/0 (fsstress's mknod makes them) through the mount: in the upper
 * such a device is a whiteout, so the kernel's overlayfs refuses it with EPERM. jfs made it and
 * then answered ENOENT, leaving a whiteout in the upper where the program thought it had a
 * device. Other devices are made as asked.
 */
class WhiteoutDeviceTest extends StackTest {
    static final int EPERM = 1;

    @BeforeEach
    void layer() throws Exception {
        lower = Files.createDirectories(tmp.resolve("lower"));
        Files.writeString(Files.createDirectories(lower.resolve("d")).resolve("gone"), "lower\n");
    }

    @ParameterizedTest
    @EnumSource(Fs.class)
    void aWhiteoutDeviceIsRefusedAndOtherDevicesAreMade(Fs fs) throws Exception {
        stack = Stack.mount(fs, tmp, lower);
        Files.delete(stack.path("d/gone"));
        Files.createDirectory(stack.path("new"));
        for (String name : List.of("c0", "d/gone", "new/c0")) {
            assertEquals(EPERM, mknodErrno(stack.path(name), Stat.S_IFCHR | 0644, 0), fs + ": mknod c 0 0 " + name);
        }
        assertEquals(0, mknodErrno(stack.path("null"), Stat.S_IFCHR | 0666, makedev(1, 3)), fs + ": mknod c 1 3");

        for (String when : List.of("mounted", "remounted")) {
            assertEquals(List.of("d", "new", "null"), names(stack.mnt), fs + ", " + when + ": root");
            assertEquals(List.of(), names(stack.path("d")), fs + ", " + when + ": d");
            assertEquals(List.of(), names(stack.path("new")), fs + ", " + when + ": new");
            Stat dev = Posix.lstat(stack.path("null").toString());
            assertEquals(Stat.S_IFCHR, dev.type(), fs + ", " + when);
            assertEquals(makedev(1, 3), dev.rdev(), fs + ", " + when);
            if (when.equals("mounted")) stack.remount();
        }
        stack.unmount();
        assertFalse(Files.exists(stack.upper.resolve("c0"), java.nio.file.LinkOption.NOFOLLOW_LINKS), fs + ": upper's c0");
        assertFalse(Files.exists(stack.upper.resolve("new/c0"), java.nio.file.LinkOption.NOFOLLOW_LINKS), fs + ": upper's new/c0");
    }

    private static int mknodErrno(Path p, int mode, long rdev) {
        try {
            Posix.mknod(p.toString(), mode, rdev);
            return 0;
        } catch (FsException e) {
            return e.errno();
        }
    }

    /** Linux's encoding of a device number, as glibc's makedev. */
    private static long makedev(long major, long minor) {
        return (minor & 0xff) | ((major & 0xfff) << 8) | ((minor & ~0xffL) << 12) | ((major & ~0xfffL) << 32);
    }

    private static List<String> names(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
