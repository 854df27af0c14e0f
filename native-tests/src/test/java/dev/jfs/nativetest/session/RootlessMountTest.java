package dev.jfs.nativetest.session;

import static dev.jfs.nativetest.CliProcess.forceUnmount;
import static dev.jfs.nativetest.CliProcess.repoScript;
import static org.junit.jupiter.api.Assertions.*;

import dev.jfs.fuse.MountTable;
import dev.jfs.nativetest.CliProcess;
import dev.jfs.nativetest.CliProcess.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A user who is not root mounts a stack of directories they own with scripts/jfsmount, writes and
 * renames through it, lists the changes with jfs diff and unmounts with jfs umount, with no root
 * step in between (the test, as root, only creates the user and opens /dev/fuse to it).
 */
class RootlessMountTest {
    static final String NAME = RootlessUser.NAME;
    Path dir, mnt;

    @BeforeAll
    static void userAndBuild() {
        RootlessUser.prepare();
        // Built as root first: the user may not write the checkout, and scripts/jfs builds on first use.
        Result built = CliProcess.run(List.of(repoScript("jfs").toString(), "--version"));
        assertEquals(0, built.exit(), built.toString());
    }

    @BeforeEach
    void layers() throws Exception {
        dir = RootlessUser.ownedDirectory();
        mnt = dir.resolve("mnt");
        Result made = RootlessUser.shell(dir, "mkdir -p lower/d mnt && echo hi > lower/d/f");
        assertEquals(0, made.exit(), made.toString());
    }

    @AfterEach
    void cleanUp() {
        forceUnmount(mnt);
        RootlessUser.remove(dir);
    }

    static Result asUser(Path dir, String script, String... args) {
        List<String> cmd = new java.util.ArrayList<>(List.of(repoScript(script).toString()));
        cmd.addAll(List.of(args));
        return RootlessUser.run(dir, cmd);
    }

    Result mount() {
        return asUser(dir, "jfsmount", "--lower", "lower", "--upper", "upper", "--work", "work", "mnt");
    }

    @Test
    void mountsWritesRenamesDiffsAndUnmounts() throws Exception {
        try (AbortOnDeadline watchdog = new AbortOnDeadline(mnt, 180)) {
            Result mounted = mount();
            assertEquals(0, mounted.exit(), mounted.toString());
            MountTable.Mount mount = MountTable.at(mnt).orElseThrow(() -> new AssertionError("not mounted: " + mounted));
            assertEquals("fuse.jfs", mount.fsType());
            ProcessHandle daemon = ProcessHandle.of(mount.jfsPid()).orElseThrow();
            assertEquals(NAME, daemon.info().user().orElse("?"), "the daemon runs as the user");

            Result ops = RootlessUser.shell(dir, "cat mnt/d/f && echo new > mnt/d/new && mv mnt/d/new mnt/d/renamed"
                    + " && mv mnt/d/f mnt/d/g && ls mnt/d && cat mnt/d/renamed mnt/d/g");
            assertEquals(0, ops.exit(), ops.toString());
            assertEquals("hi\ng\nrenamed\nnew\nhi\n", ops.out());

            Result diff = asUser(dir, "jfs", "diff", "--lower", "lower", "--upper", "upper");
            assertEquals(0, diff.exit(), diff.toString());
            assertEquals("C /d\nD /d/f\nA /d/g\nA /d/renamed\n", diff.out());

            Result unmounted = asUser(dir, "jfs", "umount", "mnt");
            assertEquals(0, unmounted.exit(), unmounted.toString());
            assertTrue(MountTable.at(mnt).isEmpty(), "unmounted");
            assertFalse(daemon.isAlive(), "jfs umount waits for the daemon to end");
        }
        assertEquals("new\n", Files.readString(dir.resolve("upper/d/renamed")));
        assertEquals(NAME, Files.getOwner(dir.resolve("upper/d/renamed")).getName(), "the upper's files are the user's");
        assertEquals("hi\n", Files.readString(dir.resolve("lower/d/f")), "the lower is untouched");
    }

    @Test
    void aBusyMountIsOneLineAndLazyUnmountDetachesIt() throws Exception {
        try (AbortOnDeadline watchdog = new AbortOnDeadline(mnt, 180)) {
            Result mounted = mount();
            assertEquals(0, mounted.exit(), mounted.toString());
            ProcessHandle daemon = ProcessHandle.of(MountTable.at(mnt).orElseThrow().jfsPid()).orElseThrow();
            // A process of the user's whose working directory is in the mount keeps it busy.
            Process holder = new ProcessBuilder("setpriv", "--reuid=" + NAME, "--regid=" + NAME, "--init-groups",
                    "--reset-env", "bash", "-c", "cd '" + mnt + "/d' && echo in && exec sleep 120").start();
            try {
                assertEquals("in", new String(holder.getInputStream().readNBytes(2)), "the holder is in the mount");
                Result busy = asUser(dir, "jfs", "umount", "mnt");
                assertNotEquals(0, busy.exit(), busy.toString());
                assertEquals(1, busy.err().strip().lines().count(), "one line: " + busy);
                assertTrue(busy.err().contains("busy") && busy.err().contains(mnt.toString()), busy.toString());
                assertTrue(MountTable.at(mnt).isPresent(), "still mounted");

                Result lazy = asUser(dir, "jfs", "umount", "--lazy", "mnt");
                assertTrue(MountTable.at(mnt).isEmpty(), "detached: " + lazy);
            } finally {
                holder.destroyForcibly();
                holder.waitFor(10, TimeUnit.SECONDS);
            }
            daemon.onExit().get(20, TimeUnit.SECONDS); // ends once the holder let go of the mount
        }
    }
}
