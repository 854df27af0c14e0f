package dev.jfs.nativetest.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jfs.nativetest.CliProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * jfs commands of the run tests, one process each with JFS_ROOT naming the test's store, and the
 * busybox image they run: /bin/busybox (Debian's busybox-static) with a link per applet, an
 * /etc/passwd and /etc/group with a user alice (1000) in a second group staff (50).
 */
final class RunProcs {
    private RunProcs() {}

    static CliProcess.Result jfs(Path root, String... args) {
        return jfs(root, Map.of(), args);
    }

    static CliProcess.Result jfs(Path root, Map<String, String> env, String... args) {
        return jfs(root, env, Path.of("/dev/null"), args);
    }

    /** As {@link #jfs(Path, String...)}, with {@code stdin} as the command's standard input. */
    static CliProcess.Result jfs(Path root, Map<String, String> env, Path stdin, String... args) {
        CliProcess.requireRootAndFuse();
        ProcessBuilder pb = new ProcessBuilder(CliProcess.java("dev.jfs.cli.Jfs", args))
                .redirectInput(ProcessBuilder.Redirect.from(stdin.toFile()));
        pb.environment().put("LC_ALL", "C.UTF-8");
        pb.environment().put("JFS_ROOT", root.toString());
        pb.environment().putAll(env);
        return CliProcess.exec(pb, 120);
    }

    static CliProcess.Result ok(CliProcess.Result r) {
        assertEquals(0, r.exit(), r.toString());
        return r;
    }

    static void assertOneLineError(CliProcess.Result r, int exit, String... parts) {
        assertEquals(exit, r.exit(), r.toString());
        String err = r.err();
        assertTrue(err.startsWith("jfs: "), err);
        assertEquals(1, err.lines().count(), "one line: " + err);
        assertFalse(err.contains("Exception"), err);
        for (String p : parts) assertTrue(err.contains(p), "'" + err.trim() + "' lacks '" + p + "'");
    }

    /** The busybox root file system as a tarball in {@code dir}. */
    static Path busyboxTar(Path dir) throws IOException {
        Path busybox = Path.of("/bin/busybox");
        if (!Files.isExecutable(busybox)) {
            throw new AssertionError("/bin/busybox is missing: the run tests need busybox-static (apt-get install busybox-static)");
        }
        Path root = dir.resolve("busybox-rootfs");
        Files.createDirectories(root.resolve("bin"));
        Files.createDirectories(root.resolve("etc"));
        Files.createDirectories(root.resolve("home/alice"));
        Files.copy(busybox, root.resolve("bin/busybox"));
        for (String applet : CliProcess.sh("/bin/busybox --list").split("\n")) {
            if (!applet.isBlank() && !applet.equals("busybox")) {
                Files.createSymbolicLink(root.resolve("bin").resolve(applet.trim()), Path.of("busybox"));
            }
        }
        Files.writeString(root.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\nalice:x:1000:1000::/home/alice:/bin/sh\n");
        Files.writeString(root.resolve("etc/group"), "root:x:0:\nalice:x:1000:\nstaff:x:50:alice\n");
        CliProcess.sh("chown 1000:1000 '" + root.resolve("home/alice") + "'");
        Path tar = dir.resolve("busybox.tar");
        CliProcess.sh("tar -C '" + root + "' -cf '" + tar + "' .");
        return tar;
    }

    /** The lines of {@code out}, for comparing whole outputs. */
    static List<String> lines(String out) {
        return out.lines().toList();
    }
}
