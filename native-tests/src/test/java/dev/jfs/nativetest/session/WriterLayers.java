package dev.jfs.nativetest.session;

import dev.jfs.posix.Posix;
import dev.jfs.posix.Stat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/**
 * Three lowers (top-most first) with content in each writer's subtree {@code /wN}, in the
 * kernel's marker format (which jfs reads too), so that the writers' operations copy up, leave
 * whiteouts, make opaque directories and redirect renamed ones: a lower file, nested lower
 * directories merged from several layers, a name whited out above, an opaque directory, a symlink.
 */
final class WriterLayers {
    private WriterLayers() {}

    static List<Path> make(Path dir, int writers, long seed) throws Exception {
        Path top = Files.createDirectories(dir.resolve("lower0"));
        Path middle = Files.createDirectories(dir.resolve("lower1"));
        Path bottom = Files.createDirectories(dir.resolve("lower2"));
        Random rnd = new Random(seed);
        for (int w = 0; w < writers; w++) {
            String b = "w" + w + "/";
            file(bottom, b + "a", rnd, 300_000);
            file(bottom, b + "d/b", rnd, 5000);
            file(bottom, b + "d/e/f", rnd, 70_000);
            file(bottom, b + "gone", rnd, 100);
            file(bottom, b + "opq/x", rnd, 100);
            file(bottom, b + "deep/1/2/file", rnd, 100);

            Posix.mknod(Files.createDirectories(middle.resolve(b)).resolve("gone").toString(), Stat.S_IFCHR, 0);
            file(middle, b + "opq/y", rnd, 100);
            Posix.setxattr(middle.resolve(b + "opq").toString(), "trusted.overlay.opaque", new byte[] {'y'}, 0);
            file(middle, b + "m", rnd, 20_000);
            file(middle, b + "d/b2", rnd, 100);

            file(top, b + "t", rnd, 4096);
            file(top, b + "d/e/g", rnd, 100);
            file(top, b + "deep/1/k", rnd, 100);
            Files.createSymbolicLink(top.resolve(b + "s"), Path.of("a"));
        }
        return List.of(top, middle, bottom);
    }

    private static void file(Path layer, String name, Random rnd, int size) throws Exception {
        Path p = layer.resolve(name);
        Files.createDirectories(p.getParent());
        byte[] data = new byte[size];
        rnd.nextBytes(data);
        Files.write(p, data);
    }
}
