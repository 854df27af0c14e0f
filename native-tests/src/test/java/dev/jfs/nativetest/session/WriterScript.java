package dev.jfs.nativetest.session;

import dev.jfs.nativetest.kernel.Operation;
import java.util.Random;

/**
 * One writer's seeded operations, all inside its own subtree, on fixed sets of names: the
 * next operation depends on the seed only, never on what the filesystem answered, so the same
 * list can be replayed elsewhere and give the same results there.
 */
final class WriterScript {
    /** Names a writer makes files of (some its lowers hold, see {@link WriterLayers}), and directories of. */
    static final String[] FILES = {"a", "t", "m", "s", "gone", "n0", "n1", "d/b", "d/b2", "d/e/f", "d/e/g", "d/n0", "opq/x",
            "opq/y", "opq/n0", "deep/1/k", "deep/1/2/file", "k0/n0", "k0/k1/n1"};
    static final String[] DIRS = {"d", "opq", "deep", "k0", "k1", "d/e", "deep/1", "deep/1/2", "k0/k1", "opq/k2"};
    private static final String[] FILE_KINDS = {"write", "write", "write", "append", "append", "pwrite", "truncate",
            "truncate", "create", "create", "rename", "rename", "rename", "link", "link", "unlink", "unlink", "symlink", "chmod"};
    private static final String[] DIR_KINDS = {"mkdir", "mkdir", "mkdir", "rmdir", "recreate-dir", "rm-r", "rename", "rename", "chmod"};
    private static final int[] MODES = {0644, 0600, 0755, 0700, 0444};
    private static final String[] TARGETS = {"a", "d/b", "nowhere", "e/f"};

    private final Random rnd;
    private final String base;

    WriterScript(long seed, String base) {
        this.rnd = new Random(seed);
        this.base = base;
    }

    Operation next() {
        // Mostly files as files and directories as directories, so that most operations succeed;
        // now and then across, for the errors a program gets.
        boolean onDirs = rnd.nextInt(4) == 0;
        String kind = onDirs ? DIR_KINDS[rnd.nextInt(DIR_KINDS.length)] : FILE_KINDS[rnd.nextInt(FILE_KINDS.length)];
        String p = name(onDirs ^ rnd.nextInt(10) == 0), q = name(onDirs ^ rnd.nextInt(10) == 0);
        return switch (kind) {
            case "write", "append" -> new Operation(kind, p, null, 0, data());
            case "pwrite" -> new Operation(kind, p, null, rnd.nextInt(320_000), data());
            case "truncate" -> new Operation(kind, p, null, rnd.nextInt(3) == 0 ? 0 : rnd.nextInt(320_000), null);
            case "create" -> new Operation(kind, p, null, MODES[rnd.nextInt(MODES.length)], null);
            case "mkdir" -> new Operation(kind, p, null, 0755, null);
            case "chmod" -> new Operation(kind, p, null, MODES[rnd.nextInt(MODES.length)], null);
            case "rename", "link" -> new Operation(kind, p, q, 0, null);
            // Relative targets inside the subtree: nothing through the mount may lead out of it.
            case "symlink" -> new Operation(kind, p, TARGETS[rnd.nextInt(TARGETS.length)], 0, null);
            default -> new Operation(kind, p, null, 0, null);
        };
    }

    private String name(boolean dir) {
        String[] names = dir ? DIRS : FILES;
        return base + "/" + names[rnd.nextInt(names.length)];
    }

    /** Mostly small writes, now and then one of many pages. */
    private byte[] data() {
        byte[] b = new byte[rnd.nextInt(8) == 0 ? 60_000 + rnd.nextInt(140_000) : rnd.nextInt(5000)];
        rnd.nextBytes(b);
        return b;
    }
}
