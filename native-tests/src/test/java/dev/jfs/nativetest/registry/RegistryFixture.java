package dev.jfs.nativetest.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jfs.nativetest.CliProcess;
import dev.jfs.nativetest.CliProcess.Result;
import dev.jfs.nativetest.kernel.Tree;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A jfs store and a user's environment in a temp dir ({@code JFS_ROOT}, {@code XDG_RUNTIME_DIR},
 * {@code HOME}, so auth.json lands there), jfs commands run as processes in it, and the peer tools
 * (skopeo, umoci) the registry tests check jfs against.
 */
final class RegistryFixture {
    final Path dir;
    final Path root;

    RegistryFixture(Path dir, String storeName) throws IOException {
        this.dir = dir;
        this.root = dir.resolve(storeName);
        Files.createDirectories(dir.resolve("run"));
        Files.createDirectories(dir.resolve("home"));
        for (String tool : List.of("/usr/bin/skopeo", "/usr/bin/umoci")) {
            if (!Files.isExecutable(Path.of(tool))) throw new AssertionError(tool + " is missing: run scripts/install-deps");
        }
    }

    /** Another store in the same environment (same auth.json). */
    RegistryFixture otherStore(String storeName) throws IOException {
        return new RegistryFixture(dir, storeName);
    }

    Path authFile() {
        return dir.resolve("run/containers/auth.json");
    }

    Result jfs(String... args) {
        return jfsWithInput(null, args);
    }

    /** A jfs command with {@code stdin} (null: none) as its standard input. */
    Result jfsWithInput(String stdin, String... args) {
        CliProcess.requireRootAndFuse();
        List<String> cmd = new ArrayList<>(List.of("env", "JFS_ROOT=" + root, "XDG_RUNTIME_DIR=" + dir.resolve("run"),
                "HOME=" + dir.resolve("home")));
        cmd.addAll(CliProcess.java("dev.jfs.cli.Jfs", args));
        try {
            Path in = Files.createTempFile(dir, "in", ".txt");
            Files.writeString(in, stdin == null ? "" : stdin);
            try {
                return CliProcess.exec(new ProcessBuilder(cmd).redirectInput(in.toFile()), 180);
            } finally {
                Files.delete(in);
            }
        } catch (IOException e) {
            throw new AssertionError("cannot run " + cmd, e);
        }
    }

    /** The command's stdout, trimmed; it must succeed. */
    String ok(String... args) {
        Result r = jfs(args);
        assertEquals(0, r.exit(), String.join(" ", args) + ": " + r);
        return r.out().trim();
    }

    /** A failure as users must see it: one line on stderr, naming what is wrong, no stack trace. */
    static void assertOneLineError(Result r, String... parts) {
        assertEquals(1, r.exit(), r.toString());
        String err = r.err();
        assertTrue(err.startsWith("jfs: "), err);
        assertEquals(1, err.lines().count(), "one line: " + err);
        assertFalse(err.contains("Exception"), err);
        for (String p : parts) assertTrue(err.contains(p), "'" + err.trim() + "' lacks '" + p + "'");
    }

    /** What a container of {@code image} shows through a jfs mount. */
    Map<String, String> treeOf(String image) throws Exception {
        String name = "t" + Long.toHexString(System.nanoTime());
        ok("create", "--name", name, image);
        Path mnt = dir.resolve("mnt-" + name);
        Files.createDirectories(mnt);
        ok("mount", name, mnt.toString());
        try {
            return withoutRoot(Tree.snapshot(mnt));
        } finally {
            ok("umount", mnt.toString());
            ok("rm", name);
        }
    }

    /** A tree without its top directory's entry: an unpacked rootfs dir's own mode is the unpacker's choice. */
    static Map<String, String> withoutRoot(TreeMap<String, String> t) {
        t.remove("/");
        return t;
    }

    /** The image's files as {@code umoci unpack} of what skopeo copies from {@code ref} gives them. */
    Map<String, String> treeViaSkopeoAndUmoci(String ref, String tlsFlag) throws Exception {
        Path layout = Files.createTempDirectory(dir, "oci");
        Path bundle = dir.resolve(layout.getFileName() + "-bundle");
        CliProcess.sh("skopeo copy --quiet --src-tls-verify=" + tlsFlag + " docker://" + ref + " oci:" + layout + ":t");
        CliProcess.sh("umoci unpack --image " + layout + ":t " + bundle);
        return withoutRoot(Tree.snapshot(bundle.resolve("rootfs")));
    }

    static void assertSameTree(Map<String, String> expected, Map<String, String> actual) {
        assertEquals(expected, actual, () -> Tree.diff(expected, actual));
    }

    /** The digest skopeo reads for the config of {@code ref}: sha256 of its exact bytes. */
    String configDigestViaSkopeo(String ref, String tlsFlag) throws IOException {
        Path f = Files.createTempFile(dir, "config", ".json");
        CliProcess.sh("skopeo inspect --tls-verify=" + tlsFlag + " --raw --config docker://" + ref + " > " + f);
        return "sha256:" + CliProcess.sha256(f);
    }
}
