package dev.jfs.nativetest.build;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jfs.nativetest.CliProcess;
import dev.jfs.nativetest.CliProcess.Result;
import dev.jfs.posix.Posix;
import dev.jfs.posix.Stat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * What the build tests share: a busybox-static root filesystem (the host's /bin/busybox and a
 * link per applet) as a tar, jfs and buildah run as processes each with a store of its own, and
 * an image's final tree and config read back from either.
 */
final class BuildFixture {
    /** Files a container runtime leaves in buildah's layers; not part of what a Dockerfile makes. */
    static final Set<String> RUNTIME_FILES = Set.of("/etc/hosts", "/etc/resolv.conf", "/etc/hostname", "/run");
    static final ObjectMapper JSON = new ObjectMapper();

    private BuildFixture() {}

    /** The busybox rootfs as a tar: /bin/busybox, its applets as symlinks, passwd/group with root and app (1000). */
    static Path busyboxRootfs(Path dir) throws IOException {
        Path busybox = Path.of("/bin/busybox");
        if (!Files.isExecutable(busybox)) throw new AssertionError("/bin/busybox is missing: apt-get install busybox-static");
        Path root = Files.createDirectories(dir.resolve("rootfs"));
        for (String d : List.of("bin", "etc", "tmp", "root", "proc", "sys", "dev", "home/app", "var")) Files.createDirectories(root.resolve(d));
        Files.copy(busybox, root.resolve("bin/busybox"));
        for (String applet : CliProcess.sh("/bin/busybox --list-full").split("\n")) {
            if (applet.isBlank()) continue;
            Path link = root.resolve(applet.strip());
            Files.createDirectories(link.getParent());
            if (!Files.exists(link, LinkOption.NOFOLLOW_LINKS)) Files.createSymbolicLink(link, Path.of("/bin/busybox"));
        }
        Files.writeString(root.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000:app:/home/app:/bin/sh\n");
        Files.writeString(root.resolve("etc/group"), "root:x:0:\napp:x:1000:\nstaff:x:50:\n");
        CliProcess.sh("chmod 1777 '" + root.resolve("tmp") + "' && chmod 755 '" + root + "' && chown 1000:1000 '" + root.resolve("home/app") + "'");
        Path tar = dir.resolve("rootfs.tar");
        CliProcess.sh("tar --numeric-owner -C '" + root + "' -cf '" + tar + "' .");
        return tar;
    }

    static Result jfs(Path store, Path cwd, Map<String, String> env, String... args) {
        return run(CliProcess.java("dev.jfs.cli.Jfs", args), cwd, env(store, env));
    }

    static Result jfs(Path store, String... args) {
        return jfs(store, null, Map.of(), args);
    }

    static Result ok(Result r) {
        if (r.exit() != 0) throw new AssertionError("failed: " + r);
        return r;
    }

    private static Map<String, String> env(Path store, Map<String, String> extra) {
        Map<String, String> env = new TreeMap<>(extra);
        env.put("JFS_ROOT", store.toString());
        return env;
    }

    static List<String> buildah(Path dir, String... args) {
        if (!Files.isExecutable(Path.of("/usr/bin/buildah"))) throw new AssertionError("buildah is missing: apt-get install buildah");
        List<String> cmd = new ArrayList<>(List.of("buildah", "--root", dir.resolve("root").toString(),
                "--runroot", dir.resolve("runroot").toString(), "--storage-driver", "overlay"));
        cmd.addAll(List.of(args));
        return cmd;
    }

    static Result run(List<String> cmd, Path cwd, Map<String, String> env) {
        CliProcess.requireRootAndFuse();
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        if (cwd != null) pb.directory(cwd.toFile());
        pb.environment().put("LC_ALL", "C.UTF-8");
        pb.environment().putAll(env);
        return CliProcess.exec(pb, 300);
    }

    /** The image id a build printed last. */
    static String builtId(Result r) {
        String[] lines = r.out().strip().split("\n");
        String id = lines[lines.length - 1].strip();
        if (!id.matches("sha256:[0-9a-f]{64}")) throw new AssertionError("no image id at the end of: " + r);
        return id;
    }

    /**
     * Every path below {@code root} (not the root itself) as "type mode uid:gid size content",
     * content being a regular file's sha256 or a link's target, runtime files left out.
     */
    static Map<String, String> tree(Path root) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                if (p.equals(root)) continue;
                String rel = "/" + root.relativize(p);
                if (RUNTIME_FILES.stream().anyMatch(r -> rel.equals(r) || rel.startsWith(r + "/"))) continue;
                Stat st = Posix.lstat(p.toString());
                String content = st.isRegular() ? CliProcess.sha256(p) : st.isSymlink() ? Posix.readlink(p.toString()) : "";
                String type = st.isDirectory() ? "d" : st.isRegular() ? "f" : st.isSymlink() ? "l" : "o";
                String size = st.isRegular() ? Long.toString(st.size()) : "-";
                out.put(rel, type + " " + Integer.toOctalString(st.permissions()) + " " + st.uid() + ":" + st.gid() + " " + size + " " + content);
            }
        }
        return out;
    }

    /** An image's final tree, through a jfs mount of a container of it. */
    static Map<String, String> jfsTree(Path store, String image, Path tmp) throws IOException {
        String name = "tree-" + Long.toHexString(System.nanoTime());
        ok(jfs(store, "create", "--name", name, image));
        Path mnt = Files.createDirectories(tmp.resolve(name));
        ok(jfs(store, "mount", name, mnt.toString()));
        try {
            return tree(mnt);
        } finally {
            jfs(store, "umount", mnt.toString());
            jfs(store, "rm", name);
        }
    }

    /** An image's final tree, through buildah's own mount of a container of it. */
    static Map<String, String> buildahTree(Path dir, String image) throws IOException {
        String ctr = ok(run(buildah(dir, "from", image), null, Map.of())).out().strip();
        String mnt = ok(run(buildah(dir, "mount", ctr), null, Map.of())).out().strip();
        try {
            return tree(Path.of(mnt));
        } finally {
            run(buildah(dir, "umount", ctr), null, Map.of());
            run(buildah(dir, "rm", ctr), null, Map.of());
        }
    }

    static JsonNode jfsImage(Path store, String image) throws IOException {
        JsonNode all = JSON.readTree(ok(jfs(store, "image", "inspect", image)).out());
        return all.isArray() ? all.get(0) : all;
    }

    /** The run config of jfs's image, as the fields the tests compare. */
    static JsonNode jfsConfig(Path store, String image) throws IOException {
        return jfsImage(store, image).get("config").get("config");
    }

    static JsonNode buildahImage(Path dir, String image) throws IOException {
        return JSON.readTree(ok(run(buildah(dir, "inspect", "--type", "image", image), null, Map.of())).out()).get("OCIv1");
    }

    /** The buildah image made from the same rootfs tar jfs imports. */
    static void buildahBase(Path dir, Path rootfsTar, String name) {
        String ctr = ok(run(buildah(dir, "from", "scratch"), null, Map.of())).out().strip();
        ok(run(buildah(dir, "add", ctr, rootfsTar.toString(), "/"), null, Map.of()));
        ok(run(buildah(dir, "commit", "-q", ctr, name), null, Map.of()));
        ok(run(buildah(dir, "rm", ctr), null, Map.of()));
    }

    static void write(Path dir, String rel, String content) throws IOException {
        Path p = dir.resolve(rel);
        Files.createDirectories(p.getParent());
        Files.writeString(p, content);
    }
}
