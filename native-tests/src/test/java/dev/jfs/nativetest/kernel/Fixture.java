package dev.jfs.nativetest.kernel;

import dev.jfs.posix.Posix;
import dev.jfs.posix.Stat;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * Seeded lower layers, written twice: for the kernel (char-device whiteouts, opaque xattr) and
 * for jfs (the middle layer in the OCI file format, .wh.NAME and .wh..wh..opq, which jfs reads
 * and the kernel does not). Files of many sizes, nested directories, symlinks, FIFOs, xattrs,
 * several owners and modes, hard links, whiteouts and an opaque directory.
 */
public final class Fixture {
    private static final int[] SIZES = {0, 1, 100, 4095, 4096, 65535, 65536, 65537, 131072, 131073, 300_000, 3 << 20};
    private static final int[] OWNERS = {0, 1000, 1234};
    private static final int[] MODES = {0644, 0600, 0755, 0444, 0640};

    private Fixture() {}

    /** Builds layer {@code index} (0 = bottom) into {@code dir}; {@code fileMarkers} picks the OCI spelling. */
    public static void layer(long seed, int index, Path dir, boolean fileMarkers) throws Exception {
        Random rnd = new Random(seed * 31 + index);
        Files.createDirectories(dir);
        String tag = "L" + index;
        // The same names in every layer, so that layers overlap, merge and hide each other.
        for (String d : new String[] {"etc", "usr", "usr/lib", "usr/lib/deep", "var", "var/log", "opt"}) {
            Path p = Files.createDirectories(dir.resolve(d));
            if (rnd.nextInt(3) == 0) Posix.setxattr(p.toString(), "user.dir", (tag + d).getBytes(), 0);
        }
        for (int i = 0; i < 6; i++) {
            String[] parents = {"etc", "usr/lib", "usr/lib/deep", "var/log", "opt", ""};
            String parent = parents[rnd.nextInt(parents.length)];
            Path f = dir.resolve(parent).resolve("f" + rnd.nextInt(8));
            if (Files.exists(f, java.nio.file.LinkOption.NOFOLLOW_LINKS)) continue;
            byte[] data = new byte[SIZES[rnd.nextInt(SIZES.length)]];
            rnd.nextBytes(data);
            Files.write(f, data);
            Posix.lchown(f.toString(), OWNERS[rnd.nextInt(3)], OWNERS[rnd.nextInt(3)]);
            Posix.chmod(f.toString(), MODES[rnd.nextInt(MODES.length)]);
            if (rnd.nextBoolean()) Posix.setxattr(f.toString(), "user.k" + i, (tag + i).getBytes(StandardCharsets.UTF_8), 0);
        }
        write(dir.resolve("etc/hosts"), tag + " hosts\n");
        symlink(dir.resolve("etc/rel-link"), "hosts");
        // An absolute target nothing on the host holds: operations that follow links must not reach a real file.
        symlink(dir.resolve("usr/abs-link"), "/nonexistent-jfs-fixture/etc/hosts");
        symlink(dir.resolve("var/dangling"), "nowhere/" + tag);
        if (index == 0) {
            Posix.mknod(dir.resolve("var/fifo").toString(), Stat.S_IFIFO | 0644, 0);
            write(dir.resolve("usr/lib/hard-a"), "shared data " + seed + "\n");
            Files.createLink(dir.resolve("usr/lib/hard-b"), dir.resolve("usr/lib/hard-a"));
            Files.createLink(dir.resolve("etc/hard-c"), dir.resolve("usr/lib/hard-a"));
            write(dir.resolve("opt/hidden-by-whiteout"), "bottom\n");
            Files.createDirectories(dir.resolve("opt/gone-dir/sub"));
            write(dir.resolve("opt/gone-dir/sub/x"), "x\n");
            write(dir.resolve("var/log/old.log"), "hidden by opaque\n");
            Posix.lchown(dir.resolve("var/log").toString(), 1234, 1234);
            Posix.chmod(dir.resolve("var/log").toString(), 02775);
        }
        if (index == 1) {
            whiteout(dir.resolve("opt/hidden-by-whiteout"), fileMarkers);
            whiteout(dir.resolve("opt/gone-dir"), fileMarkers);
            if (fileMarkers) Files.createFile(dir.resolve("var/log/.wh..wh..opq"));
            else Posix.setxattr(dir.resolve("var/log").toString(), "trusted.overlay.opaque", new byte[] {'y'}, 0);
            write(dir.resolve("var/log/new.log"), "middle\n");
        }
    }

    private static void write(Path p, String s) throws Exception {
        Files.writeString(p, s);
    }

    private static void symlink(Path link, String target) throws Exception {
        if (!Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) Files.createSymbolicLink(link, Path.of(target));
    }

    private static void whiteout(Path p, boolean fileMarkers) throws Exception {
        if (fileMarkers) Files.createFile(p.resolveSibling(".wh." + p.getFileName()));
        else Posix.mknod(p.toString(), Stat.S_IFCHR, 0);
    }
}
