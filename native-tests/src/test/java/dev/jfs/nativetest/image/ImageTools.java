package dev.jfs.nativetest.image;

import dev.jfs.nativetest.CliProcess;
import dev.jfs.nativetest.CliProcess.Result;
import dev.jfs.nativetest.kernel.Tree;
import dev.jfs.posix.Posix;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** jfs and the peer tools (skopeo, umoci, tar) as processes, a busybox rootfs, and the tree a container mounts. */
final class ImageTools {
    private ImageTools() {}

    /** The peers must be there: a machine without them fails these tests, never skips them. */
    static void requireTools(String... tools) {
        CliProcess.requireRootAndFuse();
        for (String t : tools) {
            if (run(null, null, List.of("sh", "-c", "command -v " + t)).exit() != 0) {
                throw new AssertionError(t + " is not installed: these tests compare jfs with it (scripts/install-deps)");
            }
        }
    }

    static Result jfs(Path root, String... args) {
        return run(root, null, CliProcess.java("dev.jfs.cli.Jfs", args));
    }

    static Result jfsWithInput(Path root, Path stdin, String... args) {
        return run(root, stdin, CliProcess.java("dev.jfs.cli.Jfs", args));
    }

    static Result ok(Result r) {
        if (r.exit() != 0) throw new AssertionError("command failed: " + r);
        return r;
    }

    /** Runs a shell command (a peer tool), failing the test if it fails. */
    static String sh(String command) {
        return ok(run(null, null, List.of("sh", "-c", command))).out();
    }

    static Result run(Path root, Path stdin, List<String> cmd) {
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectInput(ProcessBuilder.Redirect.from((stdin == null ? Path.of("/dev/null") : stdin).toFile()));
        pb.environment().put("LC_ALL", "C.UTF-8");
        if (root != null) pb.environment().put("JFS_ROOT", root.toString());
        return CliProcess.exec(pb, 300);
    }

    /**
     * A busybox-static rootfs: /bin/busybox with a symlink per applet, and entries that test what
     * an image must keep: an owner, setuid, a user xattr, a hard link, an empty dir, a fifo.
     */
    static void busyboxRootfs(Path dir) throws IOException {
        Path bin = dir.resolve("bin");
        Files.createDirectories(bin);
        Files.copy(Path.of("/bin/busybox"), bin.resolve("busybox"));
        for (String applet : sh("/bin/busybox --list").split("\n")) {
            if (!applet.isBlank() && !applet.equals("busybox")) Posix.symlink("busybox", bin.resolve(applet.trim()).toString());
        }
        Files.createDirectories(dir.resolve("etc"));
        Files.writeString(dir.resolve("etc/motd"), "welcome\n");
        Files.writeString(dir.resolve("etc/owned"), "owned by 1000\n");
        Posix.lchown(dir.resolve("etc/owned").toString(), 1000, 1000);
        Files.writeString(dir.resolve("etc/suid"), "setuid\n");
        Posix.chmod(dir.resolve("etc/suid").toString(), 04755);
        Posix.setxattr(dir.resolve("etc/motd").toString(), "user.origin", "jfs-test".getBytes(StandardCharsets.UTF_8), 0);
        Files.createLink(dir.resolve("etc/motd.link"), dir.resolve("etc/motd"));
        Files.createDirectories(dir.resolve("var/empty"));
        Files.createDirectories(dir.resolve("tmp"));
        Posix.chmod(dir.resolve("tmp").toString(), 01777);
        sh("mkfifo '" + dir.resolve("var/fifo") + "'");
    }

    /** GNU tar of a directory's contents, with xattrs and numeric owners: how a rootfs tarball is made. */
    static Path tar(Path dir, Path file) {
        sh("tar --xattrs --xattrs-include='user.*' --numeric-owner -C '" + dir + "' -cf '" + file + "' .");
        return file;
    }

    /** What a container of {@code image} shows through a jfs mount (the root's own entry left out). */
    static Map<String, String> mountedTree(Path root, String image, Path tmp) throws Exception {
        String name = "view" + System.nanoTime();
        ok(jfs(root, "create", "--name", name, image));
        Path mnt = Files.createTempDirectory(tmp, "mnt");
        ok(jfs(root, "mount", name, mnt.toString()));
        try {
            Map<String, String> t = Tree.snapshot(mnt);
            t.remove("/");
            return t;
        } finally {
            ok(jfs(root, "umount", mnt.toString()));
            CliProcess.forceUnmount(mnt);
            ok(jfs(root, "rm", name));
        }
    }

    /** The tree of a directory (umoci's rootfs), the root's own entry left out. */
    static Map<String, String> tree(Path dir) throws Exception {
        Map<String, String> t = Tree.snapshot(dir);
        t.remove("/");
        return t;
    }

    /** A shell word. */
    static String q(Object s) {
        return "'" + s.toString().replace("'", "'\\''") + "'";
    }

    static List<String> lines(String s) {
        List<String> out = new ArrayList<>();
        for (String l : s.split("\n")) if (!l.isBlank()) out.add(l);
        return out;
    }
}
