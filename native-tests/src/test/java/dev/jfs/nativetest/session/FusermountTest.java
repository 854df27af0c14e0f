package dev.jfs.nativetest.session;

import static dev.jfs.nativetest.CliProcess.forceUnmount;
import static dev.jfs.nativetest.CliProcess.requireRootAndFuse;
import static org.junit.jupiter.api.Assertions.*;

import dev.jfs.UserError;
import dev.jfs.fuse.MountTable;
import dev.jfs.fuse.session.Fusermount;
import dev.jfs.nativetest.CliProcess.Result;
import dev.jfs.posix.Posix;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fusermount as the FUSE session calls it, as root (fusermount3 serves root too) and as a user
 * who is not: a mount made through fusermount3 hands back a /dev/fuse descriptor and shows as
 * fuse.jfs; unmount removes it. Nothing answers the kernel's INIT here, so the mountpoint itself is never touched
 * (that would wait for an answer); the mount is found in /proc/self/mountinfo instead.
 */
class FusermountTest {
    @TempDir Path tmp;
    int fd = -1;

    @AfterEach
    void closeDevice() {
        if (fd >= 0) Posix.close(fd); // also aborts the connection if the mount was left behind
    }

    @Test
    void mountsThroughFusermount3AndHandsBackTheDevice() throws Exception {
        requireRootAndFuse();
        Path mnt = Files.createDirectories(tmp.resolve("mnt"));
        try (AbortOnDeadline watchdog = new AbortOnDeadline(mnt, 60)) {
            fd = Fusermount.mount(mnt, "fsname=jfs-" + ProcessHandle.current().pid() + ",subtype=jfs,default_permissions");
            assertTrue(fd > 2, "a descriptor: " + fd);
            assertEquals(Path.of("/dev/fuse"), Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)));
            assertTrue(closeOnExec(fd), "close-on-exec: no child of the daemon keeps the connection open");

            Optional<MountTable.Mount> mount = MountTable.at(mnt);
            assertTrue(mount.isPresent(), "mounted at " + mnt);
            assertEquals("fuse.jfs", mount.get().fsType());
            assertEquals(ProcessHandle.current().pid(), mount.get().jfsPid(), "the fsname names our pid: " + mount.get());

            Fusermount.unmount(mnt, false);
            assertTrue(MountTable.at(mnt).isEmpty(), "unmounted");
        }
    }

    @Test
    void lazyUnmountDetachesToo() throws Exception {
        requireRootAndFuse();
        Path mnt = Files.createDirectories(tmp.resolve("mnt"));
        try (AbortOnDeadline watchdog = new AbortOnDeadline(mnt, 60)) {
            fd = Fusermount.mount(mnt, "fsname=jfs-lazy,subtype=jfs");
            assertEquals("fuse.jfs", MountTable.at(mnt).orElseThrow().fsType());
            Fusermount.unmount(mnt, true);
            assertTrue(MountTable.at(mnt).isEmpty(), "detached");
        }
    }

    @Test
    void aRefusalIsOneLineWithFusermountsReason() {
        requireRootAndFuse();
        Path missing = tmp.resolve("missing");
        UserError e = assertThrows(UserError.class, () -> fd = Fusermount.mount(missing, "fsname=jfs-x,subtype=jfs"));
        assertOneLine(e, missing.toString());
        assertTrue(e.getMessage().contains("fusermount3"), "says who refused: " + e.getMessage());
        assertTrue(MountTable.at(missing).isEmpty());
    }

    @Test
    void anUnknownOptionIsRefusedWithFusermountsLine() throws Exception {
        requireRootAndFuse();
        Path mnt = Files.createDirectories(tmp.resolve("mnt"));
        UserError e = assertThrows(UserError.class, () -> fd = Fusermount.mount(mnt, "fsname=jfs-x,subtype=jfs,frobnicate"));
        assertOneLine(e, "frobnicate");
        assertTrue(MountTable.at(mnt).isEmpty());
    }

    @Test
    void unmountingWhatIsNotMountedIsOneLine() throws Exception {
        requireRootAndFuse();
        Path mnt = Files.createDirectories(tmp.resolve("mnt"));
        UserError e = assertThrows(UserError.class, () -> Fusermount.unmount(mnt, false));
        assertOneLine(e, mnt.toString());
    }

    @Test
    void rootWithCapSysAdminMountsItself() {
        requireRootAndFuse();
        assertFalse(Fusermount.needed(), "root with CAP_SYS_ADMIN calls mount(2) itself");
    }

    /** What the FUSE session does for a user who is not root: the real reason fusermount3 exists. */
    @Test
    void aUserWhoIsNotRootMountsAndUnmountsThroughIt() throws Exception {
        RootlessUser.prepare();
        Path dir = RootlessUser.ownedDirectory();
        Path mnt = dir.resolve("mnt");
        try {
            String cp = RootlessUser.classPath(Files.createDirectories(dir.resolve("classpath")));
            Result made = RootlessUser.shell(dir, "mkdir mnt");
            assertEquals(0, made.exit(), made.toString());
            List<String> main = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-XX:+UseSerialGC", "-cp", cp, FusermountMain.class.getName());
            try (AbortOnDeadline watchdog = new AbortOnDeadline(mnt, 120)) {
                Result r = RootlessUser.run(dir, concat(main, mnt.toString()));
                assertEquals(0, r.exit(), r.toString());
                assertEquals("needed: true\ndevice: /dev/fuse\ntype: fuse.jfs\nafter unmount: none\n", r.out(), r.toString());
            }
            Path roots = Files.createDirectories(dir.resolve("roots")); // made by root: the user may not mount there
            Result refused = RootlessUser.run(dir, concat(main, roots.toString()));
            assertEquals(0, refused.exit(), refused.toString());
            String error = refused.out().lines().filter(l -> l.startsWith("error: ")).findFirst().orElse("");
            assertTrue(error.startsWith("error: mounting " + roots + ": fusermount3: "), refused.toString());
            assertTrue(error.contains(roots.toString()), refused.toString());
            assertTrue(MountTable.at(roots).isEmpty());
        } finally {
            forceUnmount(mnt);
            RootlessUser.remove(dir);
        }
    }

    static List<String> concat(List<String> command, String... args) {
        List<String> all = new ArrayList<>(command);
        all.addAll(List.of(args));
        return all;
    }

    static void assertOneLine(UserError e, String mustMention) {
        String m = e.getMessage();
        assertEquals(1, m.strip().lines().count(), "one line: " + m);
        assertTrue(m.contains(mustMention), "mentions " + mustMention + ": " + m);
    }

    static boolean closeOnExec(int fd) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/fdinfo/" + fd))) {
            if (line.startsWith("flags:")) return (Integer.parseInt(line.substring(6).strip(), 8) & 02000000) != 0;
        }
        throw new AssertionError("no flags in /proc/self/fdinfo/" + fd);
    }
}
