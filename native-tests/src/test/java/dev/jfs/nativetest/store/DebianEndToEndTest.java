package dev.jfs.nativetest.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.jfs.nativetest.CliProcess;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Issue 3 end to end, on something real: runs {@code scripts/e2e-debian} (a debootstrapped Debian
 * bookworm as the base layer, changed in a chroot on a jfs mount by dpkg, apt-get, useradd, sed,
 * rm -r and mv; then jfs diff, jfs commit, and the committed layer imported into a fresh store
 * must mount to the same tree as the container, and as the kernel's overlayfs shows it).
 * Needs root, /dev/fuse, overlayfs and Debian's mirror for the first run (the base is cached in
 * /var/cache/jfs-test). It never skips: without them it fails with the script's message.
 * The script's output is streamed to standard output and kept in target/e2e-debian.log.
 */
class DebianEndToEndTest {
    static final long TIMEOUT_MINUTES = 40;

    @Test
    void debianRootFilesystemThroughMountDiffCommitAndAFreshStore() throws Exception {
        CliProcess.requireRootAndFuse();
        Path script = CliProcess.repoScript("e2e-debian");
        Path log = Path.of("target/e2e-debian.log").toAbsolutePath();
        Files.createDirectories(log.getParent());
        ProcessBuilder pb = new ProcessBuilder(List.of("bash", script.toString()))
                .directory(script.getParent().getParent().toFile())
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        pb.environment().put("LC_ALL", "C.UTF-8");
        pb.environment().remove("JFS_ROOT");
        Process p = pb.start();
        StringBuilder out = new StringBuilder();
        Thread pump = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                    PrintStream file = new PrintStream(Files.newOutputStream(log), true, StandardCharsets.UTF_8)) {
                for (String line; (line = r.readLine()) != null; ) {
                    System.out.println("[e2e-debian] " + line);
                    file.println(line);
                    synchronized (out) {
                        out.append(line).append('\n');
                    }
                }
            } catch (IOException e) {
                synchronized (out) {
                    out.append("(reading the script's output failed: ").append(e).append(")\n");
                }
            }
        }, "e2e-debian-output");
        pump.start();
        if (!p.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
            // SIGTERM first: the script's trap unmounts and removes its temporary stores.
            p.destroy();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
            pump.join(10_000);
            fail("scripts/e2e-debian did not finish in " + TIMEOUT_MINUTES + " min; its output: " + log + "\n" + tail(out, 60));
        }
        pump.join(30_000);
        String text;
        synchronized (out) {
            text = out.toString();
        }
        assertEquals(0, p.exitValue(), "scripts/e2e-debian failed (exit " + p.exitValue() + "); full output in " + log
                + "; last lines:\n" + tail(out, 60));
        assertTrue(text.contains("e2e-debian: all checks passed"), "no final 'all checks passed' line:\n" + tail(out, 60));
        assertTrue(!text.contains("FAILED:"), "a check failed although the exit status was 0:\n" + tail(out, 60));
        for (String figure : List.of("import \\(base\\): .* ([0-9.]+) MB/s", "commit \\(container\\): .* ([0-9.]+) MB/s",
                "commit \\(whole base\\): .* ([0-9.]+) MB/s", "diff lines: +([0-9]+) \\(A [0-9]+, C [0-9]+, D [0-9]+\\)")) {
            Matcher m = Pattern.compile(figure).matcher(text);
            assertTrue(m.find(), "no figure matching /" + figure + "/ in the output:\n" + tail(out, 30));
            assertTrue(Double.parseDouble(m.group(1)) > 0, "figure is zero: " + m.group());
        }
    }

    static String tail(StringBuilder out, int lines) {
        String[] all;
        synchronized (out) {
            all = out.toString().split("\n", -1);
        }
        int from = Math.max(0, all.length - lines - 1);
        return String.join("\n", java.util.Arrays.copyOfRange(all, from, all.length));
    }
}
