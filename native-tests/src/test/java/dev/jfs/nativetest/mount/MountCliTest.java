package dev.jfs.nativetest.mount;

import static dev.jfs.nativetest.CliProcess.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.jfs.nativetest.CliProcess.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * jfsmount and jfs umount as processes: their lifecycle and every error a user can cause, with the
 * Java launcher ({@code java -cp ... JfsMount}); ScriptLauncherTest runs the same through the script.
 */
class MountCliTest {
    @TempDir Path tmp;
    Path lower, upper, work, mnt;

    @BeforeEach
    void layers() throws Exception {
        lower = Files.createDirectories(tmp.resolve("lower"));
        Files.writeString(lower.resolve("hello"), "hi\n");
        upper = tmp.resolve("upper");
        work = tmp.resolve("work");
        mnt = Files.createDirectories(tmp.resolve("mnt"));
    }

    @AfterEach
    void unmount() {
        forceUnmount(mnt);
    }

    Result mount(String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of("--lower", lower.toString(), "--upper",
                upper.toString(), "--work", work.toString()));
        args.addAll(List.of(extra));
        args.add(mnt.toString());
        return launch(args.toArray(String[]::new));
    }

    /** jfsmount as users start it; ScriptLauncherTest runs this whole contract through scripts/jfsmount. */
    Result launch(String... args) {
        return jfsmount(args);
    }

    /** One line on stderr naming the thing at fault, non-zero exit, no stack trace. */
    static void assertOneLineError(Result r, String mustMention) {
        assertNotEquals(0, r.exit(), r.toString());
        String err = r.err().strip();
        assertFalse(err.isEmpty(), r.toString());
        assertEquals(1, err.lines().count(), "one line: " + r);
        assertFalse(err.contains("Exception") || err.contains("\tat "), "no stack trace: " + r);
        assertTrue(err.contains(mustMention), "mentions " + mustMention + ": " + r);
    }

    @Test
    void backgroundMountServesUntilUmount() throws Exception {
        Result r = mount();
        assertEquals(0, r.exit(), r.toString());
        assertTrue(isMounted(mnt));
        assertEquals("hi\n", Files.readString(mnt.resolve("hello")));
        Files.writeString(mnt.resolve("new"), "written\n");
        Result u = jfs("umount", mnt.toString());
        assertEquals(0, u.exit(), u.toString());
        assertFalse(isMounted(mnt));
        assertEquals("written\n", Files.readString(upper.resolve("new")));
        assertFalse(Files.exists(lower.resolve("new")));
    }

    @Test
    void theDaemonEndsAtUmountWhetherItsRequestThreadSpinsOrNot() throws Exception {
        for (String spin : new String[] {"spin=50", "spin=0", "threads=1"}) {
            Result r = mount("-o", spin);
            assertEquals(0, r.exit(), r.toString());
            for (int i = 0; i < 200; i++) Files.writeString(mnt.resolve("f" + i), spin);
            assertEquals(spin, Files.readString(upper.resolve("f199")));
            ProcessHandle daemon = ProcessHandle.of(dev.jfs.fuse.MountTable.at(mnt).orElseThrow().jfsPid()).orElseThrow();
            assertEquals(0, jfs("umount", mnt.toString()).exit());
            daemon.onExit().get(10, TimeUnit.SECONDS); // threads asleep in poll, on the device or standing by wake at unmount
        }
        assertOneLineError(mount("-o", "spin=-3"), "spin=-3");
        assertOneLineError(mount("-o", "spin=fast"), "spin=fast");
        assertOneLineError(mount("-o", "threads=0"), "threads=0");
        assertOneLineError(mount("-o", "threads=fast"), "threads=fast");
    }

    @Test
    void overlaySpellingOfOptionsWorks() throws Exception {
        Result r = launch("-o", "lowerdir=" + lower + ",upperdir=" + upper + ",workdir=" + work + ",rw", mnt.toString());
        assertEquals(0, r.exit(), r.toString());
        assertEquals("hi\n", Files.readString(mnt.resolve("hello")));
    }

    @Test
    void foregroundMountUnmountsOnSigterm() throws Exception {
        requireRootAndFuse();
        Process p = new ProcessBuilder(java("dev.jfs.cli.JfsMount", "-f", "--lower", lower.toString(),
                "--upper", upper.toString(), "--work", work.toString(), mnt.toString()))
                .redirectErrorStream(true).redirectOutput(tmp.resolve("fg.log").toFile()).start();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!Files.exists(mnt.resolve("hello")) && System.nanoTime() < deadline) Thread.sleep(20);
        assertTrue(Files.exists(mnt.resolve("hello")), "mounted in the foreground");
        p.destroy(); // SIGTERM
        assertTrue(p.waitFor(20, TimeUnit.SECONDS), "exits after SIGTERM");
        assertFalse(isMounted(mnt), "and leaves no mount behind: " + Files.readString(tmp.resolve("fg.log")));
    }

    @Test
    void mountAfterKilledDaemonRecovers() throws Exception {
        assertEquals(0, mount().exit());
        long pid = dev.jfs.fuse.MountTable.at(mnt).orElseThrow().jfsPid();
        ProcessHandle daemon = ProcessHandle.of(pid).orElseThrow();
        daemon.destroyForcibly(); // SIGKILL: the mount stays, dead ("Transport endpoint is not connected")
        daemon.onExit().get(10, TimeUnit.SECONDS);
        assertTrue(isMounted(mnt), "a dead mount is left behind");
        Result again = mount();
        assertEquals(0, again.exit(), again.toString());
        assertEquals("hi\n", Files.readString(mnt.resolve("hello")));
    }

    @Test
    void missingLowerIsOneLine() {
        Files.exists(lower);
        Result r = launch("--lower", tmp.resolve("nope").toString(), "--upper", upper.toString(), mnt.toString());
        assertOneLineError(r, tmp.resolve("nope").toString());
    }

    @Test
    void lowerThatIsAFileIsRefused() {
        Result r = launch("--lower", lower.resolve("hello").toString(), "--upper", upper.toString(), mnt.toString());
        assertOneLineError(r, "not a directory");
    }

    @Test
    void upperInsideLowerIsRefused() {
        Result r = launch("--lower", lower.toString(), "--upper", lower.resolve("up").toString(), mnt.toString());
        assertOneLineError(r, "overlap");
    }

    @Test
    void badOptionIsOneLine() {
        assertOneLineError(mount("-o", "frobnicate"), "frobnicate");
        assertOneLineError(launch("--bogus", mnt.toString()), "--bogus");
    }

    @Test
    void busyOrNonEmptyOrMissingMountpointIsRefused() throws Exception {
        assertEquals(0, mount().exit());
        Path otherUpper = tmp.resolve("upper2");
        assertOneLineError(launch("--lower", lower.toString(), "--upper", otherUpper.toString(), mnt.toString()), "busy");
        Path full = Files.createDirectories(tmp.resolve("full"));
        Files.writeString(full.resolve("x"), "x");
        assertOneLineError(launch("--lower", lower.toString(), "--upper", otherUpper.toString(), full.toString()), "not empty");
        assertOneLineError(launch("--lower", lower.toString(), "--upper", otherUpper.toString(),
                tmp.resolve("absent").toString()), "no such directory");
    }

    @Test
    void sameUpperCannotBeMountedTwice() throws Exception {
        assertEquals(0, mount().exit());
        Path mnt2 = Files.createDirectories(tmp.resolve("mnt2"));
        try {
            Result r = launch("--lower", lower.toString(), "--upper", upper.toString(), "--work", work.toString(), mnt2.toString());
            assertOneLineError(r, "in use");
        } finally {
            forceUnmount(mnt2);
        }
    }

    @Test
    void umountOfSomethingNotMountedIsOneLine() {
        assertOneLineError(jfs("umount", mnt.toString()), "not mounted");
    }

    @Test
    void missingFuseDeviceIsOneLine() {
        // A private mount namespace whose /dev lacks fuse: what a machine without FUSE looks like.
        String java = String.join(" ", java("dev.jfs.cli.JfsMount", "--lower", lower.toString(), "--upper",
                upper.toString(), mnt.toString()).stream().map(a -> "'" + a + "'").toList());
        Result r = run(List.of("unshare", "-m", "sh", "-c",
                "mount -t tmpfs none /dev && mknod -m 666 /dev/null c 1 3 && mknod -m 666 /dev/zero c 1 5"
                        + " && mknod -m 666 /dev/urandom c 1 9 && mknod -m 666 /dev/random c 1 8 && exec " + java));
        assertOneLineError(r, "/dev/fuse");
    }
}
