package dev.jfs.nativetest.run;

import static dev.jfs.nativetest.run.RunProcs.assertOneLineError;
import static dev.jfs.nativetest.run.RunProcs.jfs;
import static dev.jfs.nativetest.run.RunProcs.lines;
import static dev.jfs.nativetest.run.RunProcs.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jfs.nativetest.CliProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code jfs run} and {@code jfs start} as users run them, through runc, on a busybox image. */
class RunCliTest {
    @TempDir
    static Path tmp;
    static Path root;
    static String image;

    @BeforeAll
    static void importImage() throws IOException {
        root = tmp.resolve("store");
        Path tar = RunProcs.busyboxTar(tmp);
        ok(jfs(root, "import", tar.toString(), "busybox:test"));
        image = "busybox:test";
        ok(jfs(root, "import", tar.toString(), "configured:test", "-c", "ENV GREETING=from-image", "-c",
                "WORKDIR /opt/app", "-c", "USER alice", "-c", "ENTRYPOINT [\"sh\", \"-c\"]", "-c",
                "CMD [\"echo $GREETING; pwd; id -u\"]"));
    }

    @Test
    void environmentWorkingDirectoryUserAndCommandComeFromTheImageConfig() {
        assertEquals(List.of("from-image", "/opt/app", "1000"), lines(ok(jfs(root, "run", "--rm", "configured:test")).out()));
        assertEquals(List.of("other", "/tmp", "0"), lines(ok(jfs(root, "run", "--rm", "-e", "GREETING=other", "-w", "/tmp",
                "-u", "0", "configured:test")).out()), "-e, -w and -u override the config");
        assertEquals(List.of("given"), lines(ok(jfs(root, "run", "--rm", "configured:test", "echo given")).out()),
                "COMMAND replaces Cmd, after the Entrypoint");
        assertEquals(List.of("x"), lines(ok(jfs(root, "run", "--rm", "--entrypoint", "echo", "configured:test", "x")).out()),
                "--entrypoint replaces the Entrypoint and drops Cmd");
    }

    @Test
    void theCommandIsPid1WithItsOwnHostnameAndItsExitStatusIsRuns() {
        CliProcess.Result r = jfs(root, "run", "--rm", "--hostname", "box", image, "sh", "-c", "echo $$; hostname; exit 7");
        assertEquals(7, r.exit(), r.toString());
        assertEquals(List.of("1", "box"), lines(r.out()));
        CliProcess.Result named = ok(jfs(root, "run", "--rm", "--name", "pid-test", image, "hostname"));
        assertEquals("pid-test\n", named.out(), "the hostname defaults to the container's name");
        assertFalse(CliProcess.sh("hostname").trim().equals("box"), "the host's hostname is untouched");
    }

    @Test
    void environmentWorkingDirectoryUserAndEntrypointAreOverridden() {
        CliProcess.Result r = ok(jfs(root, "run", "--rm", "-e", "GREETING=hi there", "-w", "/made/here", "-u", "alice",
                image, "sh", "-c", "echo \"$GREETING|$HOME|$PATH\"; pwd; id -u; id -g; id -G"));
        assertEquals(List.of("hi there|/home/alice|/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                "/made/here", "1000", "1000", "1000 50"), lines(r.out()));
        assertEquals(List.of("7", "9"), lines(ok(jfs(root, "run", "--rm", "-u", "7:9", image, "sh", "-c",
                "id -u; id -g")).out()), "numeric ids need no passwd entry");
        assertEquals(List.of("1000", "50"), lines(ok(jfs(root, "run", "--rm", "-u", "alice:staff", image, "sh", "-c",
                "id -u; id -g")).out()));
        assertEquals("a b\n", ok(jfs(root, "run", "--rm", "--entrypoint", "echo", image, "a", "b")).out());
        assertOneLineError(jfs(root, "run", "--rm", "-u", "nobody", image, "true"), 1, "nobody");
    }

    @Test
    void volumesAreReadWriteOrReadOnlyAndNotTheContainersChanges() throws IOException {
        Path vol = Files.createDirectories(tmp.resolve("vol"));
        Files.writeString(vol.resolve("in"), "from the host\n");
        CliProcess.Result r = ok(jfs(root, "run", "--name", "vols", "-v", vol + ":/data", image, "sh", "-c",
                "cat /data/in; echo from the container > /data/out"));
        assertEquals("from the host\n", r.out());
        assertEquals("from the container\n", Files.readString(vol.resolve("out")));
        CliProcess.Result ro = jfs(root, "run", "--rm", "-v", vol + ":/data:ro", image, "sh", "-c", "echo x > /data/ro");
        assertEquals(1, ro.exit(), ro.toString());
        assertTrue(ro.err().contains("Read-only file system"), ro.toString());
        assertFalse(Files.exists(vol.resolve("ro")));
        assertEquals("", ok(jfs(root, "diff", "vols")).out(), "the volume's mount point is no change");
        ok(jfs(root, "rm", "vols"));
    }

    @Test
    void theRuntimesFilesAreNeitherInDiffNorInACommit() throws IOException {
        CliProcess.Result r = ok(jfs(root, "run", "--name", "files", "--hostname", "h1", image, "sh", "-c",
                "cat /etc/hostname; grep -c localhost /etc/hosts; test -f /etc/resolv.conf && echo resolv;"
                        + " ls /proc/self/status /dev/null /sys/kernel >/dev/null && echo mounted; echo x > /etc/made"));
        assertEquals(List.of("h1", "2", "resolv", "mounted"), lines(r.out()));
        assertEquals(List.of("C /etc", "A /etc/made"), lines(ok(jfs(root, "diff", "files")).out()));
        Path tar = tmp.resolve("files.tar");
        ok(jfs(root, "commit", "files", "-o", tar.toString()));
        assertEquals(List.of("etc/", "etc/made"), lines(CliProcess.sh("tar -tf '" + tar + "' | sed 's|^\\./||' | grep -v '^$' | sort")));
        ok(jfs(root, "rm", "files"));
    }

    @Test
    void rmLeavesNothing() throws IOException {
        ok(jfs(root, "run", "--rm", "--name", "gone", image, "sh", "-c", "echo x > /x"));
        assertOneLineError(jfs(root, "diff", "gone"), 1, "gone");
        assertFalse(Files.exists(root.resolve("containers/gone")));
        assertFalse(CliProcess.sh("cat /proc/mounts").contains(root.toString()), "no mount left");
        try (var runc = Files.list(root.resolve("runc"))) {
            assertEquals(List.of(), runc.toList(), "no runc state left");
        }
    }

    @Test
    void aCommitOfARunContainerRunAgainShowsTheChange() {
        ok(jfs(root, "run", "--name", "changer", image, "sh", "-c", "echo hello > /greeting"));
        ok(jfs(root, "commit", "changer", "changed:1"));
        assertEquals("hello\n", ok(jfs(root, "run", "--rm", "changed:1", "cat", "/greeting")).out());
        assertEquals("absent\n", ok(jfs(root, "run", "--rm", image, "sh", "-c", "test -e /greeting || echo absent")).out(),
                "the image it came from is unchanged");
        ok(jfs(root, "rm", "changer"));
    }

    @Test
    void startRunsTheSameCommandAgainOnWhatTheContainerChanged() {
        String count = "echo run >> /log; wc -l < /log; echo $FOO";
        assertEquals(List.of("1", "bar"), lines(ok(jfs(root, "run", "--name", "again", "-e", "FOO=bar", image, "sh", "-c",
                count)).out()));
        assertEquals(List.of("2", "bar"), lines(ok(jfs(root, "start", "-a", "again")).out()));
        assertEquals(List.of("A /log"), lines(ok(jfs(root, "diff", "again")).out()));
        ok(jfs(root, "rm", "again"));
    }

    @Test
    void standardInputPassesWithIOnly() throws IOException {
        Path in = tmp.resolve("stdin.txt");
        Files.writeString(in, "typed\n");
        assertEquals("typed\n", ok(jfs(root, Map.of(), in, "run", "--rm", "-i", image, "cat")).out());
        assertEquals("", ok(jfs(root, Map.of(), in, "run", "--rm", image, "cat")).out(), "without -i: no input");
    }

    @Test
    void startOfACreatedContainerRunsItsImagesCommand() {
        assertEquals("made\n", ok(jfs(root, "create", "--name", "made", "configured:test")).out());
        assertEquals(List.of("from-image", "/opt/app", "1000"), lines(ok(jfs(root, "start", "-a", "made")).out()));
        ok(jfs(root, "rm", "made"));
    }

    @Test
    void badInputIsOneLine() {
        CliProcess.Result missing = jfs(root, "run", "--rm", image, "no-such-command");
        assertOneLineError(missing, 127, "no-such-command", "not found");
        assertOneLineError(jfs(root, "run", "--rm", image, "/bin/nothing/here"), 127, "/bin/nothing/here");
        ok(jfs(root, "run", "--name", "taken", image, "true"));
        assertOneLineError(jfs(root, "run", "--name", "taken", image, "true"), 1, "taken", "already exists");
        ok(jfs(root, "rm", "taken"));
        assertOneLineError(jfs(root, "run", "--rm", "no-such-image", "true"), 1, "no such image: no-such-image");
        assertOneLineError(jfs(root, Map.of("JFS_RUNTIME", tmp.resolve("no-runc").toString()), "run", "--rm", image,
                "true"), 1, "no-runc");
    }

    @Test
    void sigtermReachesPid1() throws Exception {
        Path out = tmp.resolve("sig.out");
        ProcessBuilder pb = new ProcessBuilder(CliProcess.java("dev.jfs.cli.Jfs", "run", "--rm", image, "sh", "-c",
                "trap 'echo got TERM; exit 5' TERM; echo started; while true; do sleep 0.1; done"));
        pb.environment().put("JFS_ROOT", root.toString());
        pb.redirectErrorStream(true).redirectOutput(out.toFile());
        Process p = pb.start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!(Files.exists(out) && Files.readString(out).contains("started")) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertTrue(Files.readString(out).contains("started"), Files.readString(out));
            CliProcess.sh("kill -TERM " + p.pid());
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "jfs run ended");
            assertEquals(5, p.exitValue(), Files.readString(out));
            assertEquals(List.of("started", "got TERM"), lines(Files.readString(out)));
        } finally {
            p.destroyForcibly();
        }
    }
}
