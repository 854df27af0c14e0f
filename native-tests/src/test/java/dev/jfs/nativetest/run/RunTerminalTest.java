package dev.jfs.nativetest.run;

import static dev.jfs.nativetest.run.RunProcs.jfs;
import static dev.jfs.nativetest.run.RunProcs.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.jfs.nativetest.CliProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jfs run -it} as a person uses it: in a terminal (a tmux pane on a tmux server of the
 * test's own), typing at the container's shell and reading the screen.
 */
class RunTerminalTest {
    @TempDir
    Path tmp;

    @Test
    void anInteractiveShellHasATerminalOfTheWindowsSizeAndItsExitStatusIsRuns() throws Exception {
        Path root = tmp.resolve("store");
        ok(jfs(root, "import", RunProcs.busyboxTar(tmp).toString(), "busybox:tty"));
        String image = "busybox:tty";
        Path jfs = launcher(root);
        Tmux tmux = new Tmux("jfs-run-test-" + ProcessHandle.current().pid());
        try {
            tmux.start(jfs + " run -it --rm --name tty-test " + image + " sh; echo STATUS=$?; sleep 120", 100, 30);
            tmux.await("/ #");
            tmux.type("tty");
            String tty = tmux.await("(/dev/pts/\\d+|/dev/console)");
            tmux.type("stty size");
            tmux.await("30 100");
            tmux.type("echo $TERM-$((6*7))");
            tmux.await("xterm-42");
            tmux.type("exit 3");
            tmux.await("STATUS=3");
            assertFalse(tty.isEmpty());
        } finally {
            tmux.kill();
        }
        assertEquals(List.of(), names(root.resolve("containers")), "--rm removed the container");
    }

    @Test
    void closingTheTerminalEndsTheContainerAndItsMount() throws Exception {
        Path root = tmp.resolve("store");
        ok(jfs(root, "import", RunProcs.busyboxTar(tmp).toString(), "busybox:hup"));
        Tmux tmux = new Tmux("jfs-run-hup-" + ProcessHandle.current().pid());
        try {
            tmux.start(launcher(root) + " run -it --name hup busybox:hup sh", 80, 24);
            tmux.await("/ #");
        } finally {
            tmux.kill();
        }
        // sh as PID 1 ignores the SIGHUP passed on; the container is killed after the grace period
        long deadline = System.nanoTime() + 90_000_000_000L;
        while (CliProcess.sh("cat /proc/mounts").contains(root.toString()) && System.nanoTime() < deadline) {
            Thread.sleep(500);
        }
        assertFalse(CliProcess.sh("cat /proc/mounts").contains(root.toString()), "the container's mount ended");
        ok(jfs(root, "rm", "hup"));
    }

    /** A script that runs this build's jfs with the test's store. */
    private Path launcher(Path root) throws IOException {
        List<String> cmd = CliProcess.java("dev.jfs.cli.Jfs");
        StringBuilder s = new StringBuilder("#!/bin/sh\nexport JFS_ROOT='" + root + "' LC_ALL=C.UTF-8\nexec");
        for (String c : cmd) s.append(" '").append(c).append("'");
        s.append(" \"$@\"\n");
        Path f = tmp.resolve("jfs");
        Files.writeString(f, s.toString());
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
        return f;
    }

    private static List<String> names(Path dir) throws IOException {
        List<String> out = new ArrayList<>();
        try (var ds = Files.list(dir)) {
            ds.forEach(p -> out.add(p.getFileName().toString()));
        }
        return out;
    }

    /** One tmux server and session, driven by send-keys and read by capture-pane. */
    private static final class Tmux {
        private final String socket;

        Tmux(String socket) {
            this.socket = socket;
        }

        void start(String command, int columns, int rows) {
            run("new-session", "-d", "-s", "t", "-x", "" + columns, "-y", "" + rows, command);
        }

        void type(String line) {
            run("send-keys", "-t", "t", line, "Enter");
        }

        /** Waits until the screen matches {@code regex}; returns the match. */
        String await(String regex) throws InterruptedException {
            Pattern p = Pattern.compile(regex);
            long deadline = System.nanoTime() + 90_000_000_000L;
            String screen = "";
            while (System.nanoTime() < deadline) {
                screen = run("capture-pane", "-p", "-t", "t");
                Matcher m = p.matcher(screen);
                if (m.find()) return m.group();
                Thread.sleep(200);
            }
            throw new AssertionError("no '" + regex + "' on the screen:\n" + screen);
        }

        void kill() {
            CliProcess.run(List.of("tmux", "-L", socket, "kill-server"));
        }

        private String run(String... args) {
            List<String> cmd = new ArrayList<>(List.of("tmux", "-L", socket));
            cmd.addAll(List.of(args));
            CliProcess.Result r = CliProcess.run(cmd);
            if (r.exit() != 0) throw new AssertionError("tmux " + String.join(" ", args) + " failed (is tmux installed?): " + r);
            return r.out();
        }
    }
}
