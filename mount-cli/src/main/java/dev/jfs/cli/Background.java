package dev.jfs.cli;

import dev.jfs.UserError;
import dev.jfs.fuse.MountOptions;
import dev.jfs.union.LayerStack;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

/**
 * Starting the mount's background process from Java: the same program with {@code --detach}, in
 * a session of its own (so the terminal's signals do not reach it). The child reports on its
 * stdout, which we read: its error lines (passed on as they are, with its exit status) or
 * {@link #READY}, after which it moves its output to {@code WORK/jfs.log} and we return.
 * scripts/jfs does the same in bash, which saves this JVM's start-up (half the mount time).
 */
final class Background {
    static final String READY = "jfs: mount ready";
    private static final long TIMEOUT_SECONDS = 60;
    /**
     * The daemon's JVM; scripts/jfs starts it with the same options (keep the two alike). C1
     * alone: C2's compiling cost a fresh mount more CPU than its code saved; and one compiler
     * thread, which competes less with start-up on 2 cores; a heap that starts big enough for a
     * walk's caches and may grow with the tree walked (see scripts/jfs).
     */
    static final List<String> DAEMON_JVM = List.of("-Dfile.encoding=UTF-8", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            "-XX:-UsePerfData", "-Xss512k", "-Xms48m", "-Xmn8m", "-XX:MaxRAMPercentage=25", "-XX:MaxMetaspaceSize=64m",
            "-XX:ReservedCodeCacheSize=48m", "-XX:CICompilerCount=1");

    private Background() {}

    static int start(LayerStack stack, Path mnt, MountOptions opts) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add("setsid");
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.addAll(DAEMON_JVM);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), JfsMount.class.getName(), "--detach",
                "--lower", stack.lowers().stream().map(Path::toString).collect(Collectors.joining(":")),
                "--upper", stack.upper().toString(), "--work", stack.work().toString(),
                "-o", opts.toOptionList(), mnt.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectErrorStream(true);
        pb.environment().put("LC_ALL", "C.UTF-8");
        Process child = pb.start();
        AtomicBoolean timedOut = new AtomicBoolean();
        Thread watchdog = new Thread(() -> {
            try {
                Thread.sleep(TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS));
                timedOut.set(true);
                child.destroyForcibly(); // its stdout closes: the loop below ends
            } catch (InterruptedException e) {
                // ready or failed in time
            }
        }, "mount-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = out.readLine()) != null; ) {
                if (line.equals(READY)) return 0;
                System.err.println(line);
            }
        } finally {
            watchdog.interrupt();
        }
        int status = child.waitFor();
        if (timedOut.get()) throw new UserError("mounting " + mnt + ": no answer after " + TIMEOUT_SECONDS + " s");
        return status == 0 ? Cli.EXIT_FAILURE : status; // ended without mounting
    }
}
