package dev.jfs.union;

import dev.jfs.posix.Posix;
import dev.jfs.posix.Stat;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Builds layer directories on disk for tests, in either marker format, and changes them through a union. */
public final class Layers {
    private Layers() {}

    /** Two lowers (top over bottom) and where their upper and work directory go (not made yet). */
    public record TwoLowers(Path top, Path bottom, Path upper, Path work) {
        public LayerStack stack() {
            return new LayerStack(List.of(top, bottom), upper, work).validate();
        }
    }

    /**
     * The stack most union tests start from, under {@code tmp}: files in both lowers (top wins),
     * a whiteout in top of a file of bottom's, and an opaque directory in top over one of bottom's.
     */
    public static TwoLowers twoLowers(Path tmp) throws IOException {
        Path top = dir(tmp, "top");
        Path bottom = dir(tmp, "bottom");
        file(bottom, "etc/motd", "hello\n");
        file(bottom, "etc/hosts", "localhost\n");
        file(bottom, "gone", "deleted by top\n");
        file(bottom, "opq/old", "hidden by opaque\n");
        file(bottom, "d/sub/deep", "deep\n");
        file(top, "etc/motd", "top wins\n");
        file(top, "opq/new", "new\n");
        whiteoutDevice(top, "gone");
        opaqueXattr(top, "opq");
        return new TwoLowers(top, bottom, tmp.resolve("upper"), tmp.resolve("work"));
    }

    public static Path file(Path layer, String rel, String content) throws IOException {
        Path p = layer.resolve(rel);
        Files.createDirectories(p.getParent());
        Files.writeString(p, content);
        return p;
    }

    public static Path dir(Path layer, String rel) throws IOException {
        return Files.createDirectories(layer.resolve(rel));
    }

    public static void whiteoutDevice(Path layer, String rel) throws IOException {
        Files.createDirectories(layer.resolve(rel).getParent());
        Posix.mknod(layer.resolve(rel).toString(), Stat.S_IFCHR, 0);
    }

    public static void whiteoutFile(Path layer, String rel) throws IOException {
        Path p = layer.resolve(rel);
        Files.createDirectories(p.getParent());
        Files.createFile(p.resolveSibling(".wh." + p.getFileName()));
    }

    public static void opaqueXattr(Path layer, String rel) throws IOException {
        Posix.setxattr(dir(layer, rel).toString(), "trusted.overlay.opaque", new byte[] {'y'}, 0);
    }

    public static void opaqueFile(Path layer, String rel) throws IOException {
        Files.createFile(dir(layer, rel).resolve(".wh..wh..opq"));
    }

    public static String read(UnionFs fs, String path) {
        int fd = fs.open(path, Posix.O_RDONLY);
        try {
            byte[] buf = new byte[1 << 16];
            long n = Posix.libc().pread(fd, buf, buf.length, 0);
            return new String(buf, 0, (int) n, StandardCharsets.UTF_8);
        } finally {
            Posix.close(fd);
        }
    }

    public static void append(UnionFs fs, String path, String text) {
        int fd = fs.open(path, Posix.O_WRONLY);
        try {
            byte[] b = text.getBytes(StandardCharsets.UTF_8);
            long size = Posix.fstat(fd).size();
            Posix.libc().pwrite(fd, b, b.length, size);
        } finally {
            Posix.close(fd);
        }
    }

    /** Creates a file through the union (root's), making its parent directory if missing. */
    public static void create(UnionFs fs, String path, String text) {
        String parent = RelPath.parent(path);
        if (!parent.isEmpty() && fs.view().lookup(parent) == null) fs.mkdir(parent, 0755, Caller.ROOT);
        int fd = fs.create(path, Stat.S_IFREG | 0644, Posix.O_WRONLY, Caller.ROOT).fd();
        try {
            byte[] b = text.getBytes(StandardCharsets.UTF_8);
            Posix.libc().pwrite(fd, b, b.length, 0);
        } finally {
            Posix.close(fd);
        }
    }
}
