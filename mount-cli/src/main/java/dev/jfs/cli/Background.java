package dev.jfs.cli;

import dev.jfs.UserError;
import dev.jfs.fuse.MountOptions;
import dev.jfs.union.LayerStack;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Starting the mount's background process: the same program with {@code -f}, in a session of its
 * own (so the terminal's signals do not reach it), its output in {@code WORK/jfs.log}. We return
 * once the mount answers, or pass on the one-line error it died with.
 */
final class Background {
    static final String READY = "jfs: mount ready";
    private static final long TIMEOUT_NANOS = 30_000_000_000L;

    private Background() {}

    static int start(LayerStack stack, Path mnt, MountOptions opts) throws IOException, InterruptedException {
        Path log = stack.work().resolve("jfs.log");
        Files.deleteIfExists(log);
        List<String> cmd = new ArrayList<>();
        cmd.add("setsid");
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.addAll(List.of("-Dfile.encoding=UTF-8", "-XX:+UseSerialGC", "-XX:-UsePerfData", "-Xss512k",
                "-Xms16m", "-Xmx160m", "-XX:MaxMetaspaceSize=64m", "-XX:ReservedCodeCacheSize=48m",
                "-cp", System.getProperty("java.class.path"), JfsMount.class.getName(), "-f",
                "--lower", stack.lowers().stream().map(Path::toString).collect(Collectors.joining(":")),
                "--upper", stack.upper().toString(), "--work", stack.work().toString(),
                "-o", opts.toOptionList(), mnt.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(log.toFile())
                .redirectErrorStream(true);
        pb.environment().put("LC_ALL", "C.UTF-8");
        Process child = pb.start();
        Object devBefore = Files.getAttribute(mnt, "unix:dev", LinkOption.NOFOLLOW_LINKS);
        long deadline = System.nanoTime() + TIMEOUT_NANOS;
        while (System.nanoTime() < deadline) {
            if (!child.isAlive()) {
                throw new UserError(lastLine(log, "the mount process exited with status " + child.exitValue()));
            }
            if (!devBefore.equals(devOf(mnt)) && Files.readString(log).contains(READY)) return 0;
            Thread.sleep(3);
        }
        child.destroyForcibly();
        throw new UserError("mounting " + mnt + ": no answer after 30 s (see " + log + ")");
    }

    /** st_dev of the mountpoint: it changes once the mount answers. */
    private static Object devOf(Path mnt) {
        try {
            return Files.getAttribute(mnt, "unix:dev", LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            return null;
        }
    }

    /** The child's own one-line error, without its "jfsmount: " prefix. */
    private static String lastLine(Path log, String fallback) throws IOException {
        if (!Files.exists(log)) return fallback;
        List<String> lines = Files.readAllLines(log);
        for (int i = lines.size() - 1; i >= 0; i--) {
            String l = lines.get(i).strip();
            if (!l.isEmpty()) return l.replaceFirst("^(jfsmount|mount): ", "");
        }
        return fallback;
    }
}
