package dev.jfs.nativetest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs jfs commands as users do: a separate process per command, with the class path the
 * tests were built with. The tests need root and /dev/fuse: without them they fail, never skip.
 */
public final class CliProcess {
    /** What a finished command printed and returned. */
    public record Result(int exit, String out, String err) {
        public String toString() {
            return "exit " + exit + "\nstdout: " + out + "\nstderr: " + err;
        }
    }

    private CliProcess() {}

    public static List<String> java(String mainClass, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Dfile.encoding=UTF-8");
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass);
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** A script of this checkout (scripts/NAME), found above the working directory. */
    public static Path repoScript(String name) {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path s = d.resolve("scripts").resolve(name);
            if (Files.isExecutable(s)) return s;
        }
        throw new AssertionError("scripts/" + name + " not found above " + Path.of("").toAbsolutePath());
    }

    public static Result jfs(String... args) {
        return run(java("dev.jfs.cli.Jfs", args));
    }

    public static Result jfsmount(String... args) {
        return run(java("dev.jfs.cli.JfsMount", args));
    }

    public static Result run(List<String> cmd) {
        requireRootAndFuse();
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        pb.environment().put("LC_ALL", "C.UTF-8");
        return exec(pb, 120);
    }

    /**
     * Runs {@code pb} (its command, environment, directory and input as the caller set them) with
     * stdout and stderr kept in files, and waits for it; a command still running after
     * {@code timeoutSeconds} is killed and fails the test.
     */
    public static Result exec(ProcessBuilder pb, int timeoutSeconds) {
        try {
            Path out = Files.createTempFile("jfs-out", ".txt");
            Path err = Files.createTempFile("jfs-err", ".txt");
            try {
                Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
                if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new AssertionError("timed out: " + pb.command());
                }
                return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                        Files.readString(err, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new AssertionError("cannot run " + pb.command(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Native tests mount for real: a machine without FUSE or root fails them loudly. */
    public static void requireRootAndFuse() {
        if (!Files.exists(Path.of("/dev/fuse"))) {
            throw new AssertionError("/dev/fuse is missing: native tests need FUSE (modprobe fuse)");
        }
        if (!"root".equals(System.getProperty("user.name"))) {
            throw new AssertionError("native tests need root (they mount and compare with the kernel's overlayfs)");
        }
    }

    /** Runs a shell command, failing the test if it fails. */
    public static String sh(String command) {
        Result r = run(List.of("sh", "-c", command));
        if (r.exit() != 0) throw new AssertionError("`" + command + "` failed: " + r);
        return r.out();
    }

    /** Unmounts whatever is at {@code mnt}, quietly: for finally blocks. */
    public static void forceUnmount(Path mnt) {
        run(List.of("sh", "-c", "umount -l '" + mnt + "' 2>/dev/null; true"));
    }

    /** Unmounts a foreground mount's {@code mnt} and waits for its daemon (if any) to end: for teardown. */
    public static void stopForeground(Path mnt, Process daemon) throws InterruptedException {
        forceUnmount(mnt);
        if (daemon == null) return;
        daemon.waitFor(20, java.util.concurrent.TimeUnit.SECONDS);
        daemon.destroyForcibly();
    }

    public static boolean isMounted(Path mnt) {
        try {
            String want = " " + mnt.toAbsolutePath().normalize() + " ";
            return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream().anyMatch(l -> l.contains(want));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** The sha256 of a stream's bytes, in hex. */
    public static String sha256(java.io.InputStream in) throws IOException {
        try {
            java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
            return java.util.HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The sha256 of a file, in hex. */
    public static String sha256(Path file) throws IOException {
        try (java.io.InputStream in = Files.newInputStream(file)) {
            return sha256(in);
        }
    }
}
