package dev.jfs.nativetest.session;

import static dev.jfs.nativetest.CliProcess.*;

import dev.jfs.nativetest.CliProcess.Result;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Commands the tests run as separate processes: coreutils, python3, another user, jfs with its output as bytes. */
final class Processes {
    /** uid and gid of "nobody": another user than the one that mounted. */
    static final int NOBODY = 65534;

    private Processes() {}

    /** Runs a command (a real program, not a shell), failing the test if it fails; its stdout. */
    static String ok(String... cmd) {
        Result r = run(List.of(cmd));
        if (r.exit() != 0) throw new AssertionError(String.join(" ", cmd) + " failed: " + r);
        return r.out();
    }

    /** Runs a python3 program with arguments. */
    static Result python(String program, String... args) {
        List<String> cmd = new ArrayList<>(List.of("python3", "-c", program));
        cmd.addAll(List.of(args));
        return run(cmd);
    }

    /** A shell command run as uid/gid 65534 with no supplementary groups. */
    static Result asNobody(String shellCommand) {
        return run(List.of("setpriv", "--reuid", "" + NOBODY, "--regid", "" + NOBODY, "--clear-groups", "sh", "-c", shellCommand));
    }

    /** What a command printed on stdout, as bytes: a name that is not UTF-8 must reach the test as it is. */
    record Raw(int exit, byte[] out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\nstdout: " + printable(out) + "\nstderr: " + err;
        }
    }

    /** Bytes as text, with those that are not printable ASCII as \\xNN. */
    static String printable(byte[] b) {
        StringBuilder s = new StringBuilder();
        for (byte x : b) {
            if (x == '\n' || x >= 0x20 && x < 0x7f) s.append((char) x);
            else s.append(String.format("\\x%02x", x & 0xff));
        }
        return s.toString();
    }

    static Raw raw(List<String> cmd) {
        requireRootAndFuse();
        try {
            Path out = Files.createTempFile("jfs-out", ".bin"), err = Files.createTempFile("jfs-err", ".txt");
            try {
                ProcessBuilder pb = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                        .redirectOutput(out.toFile()).redirectError(err.toFile());
                pb.environment().put("LC_ALL", "C.UTF-8");
                Process p = pb.start();
                if (!p.waitFor(120, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new AssertionError("timed out: " + cmd);
                }
                return new Raw(p.exitValue(), Files.readAllBytes(out), Files.readString(err, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new AssertionError("cannot run " + cmd, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** {@code jfs ARGS} as a process, its stdout as bytes. */
    static Raw jfsRaw(String... args) {
        return raw(java("dev.jfs.cli.Jfs", args));
    }
}
