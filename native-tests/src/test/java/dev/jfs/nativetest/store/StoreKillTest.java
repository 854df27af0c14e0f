package dev.jfs.nativetest.store;

import static dev.jfs.nativetest.store.StoreProcs.java;
import static dev.jfs.nativetest.store.StoreProcs.names;
import static dev.jfs.nativetest.store.StoreProcs.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jfs.union.LayerIndex;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SPEC 6, "store updates are atomic": jfs processes killed with SIGKILL at random points of an
 * import, a layer rm, a create, a container rm and a commit's store step. After each kill the
 * store must be exactly as before or exactly as after (a published layer is complete, byte for
 * byte), and the next command must work and clear what the dead process left in tmp/.
 */
class StoreKillTest {
    @TempDir
    Path tmp;

    final long seed = System.nanoTime();
    final Random rnd = new Random(seed);

    /** Runs the command, kills it with SIGKILL after a random delay; true if it finished first. */
    boolean runAndMaybeKill(Path root, List<String> cmd, long maxDelayMs) throws Exception {
        return runAndKillAfter(root, cmd, 1 + (long) (rnd.nextDouble() * maxDelayMs));
    }

    /** Runs the command, kills it with SIGKILL after {@code delay} ms; true if it finished first. */
    boolean runAndKillAfter(Path root, List<String> cmd, long delay) throws Exception {
        Path err = tmp.resolve("stderr.txt");
        Process p = StoreProcs.builder(root, cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(err.toFile()).start();
        if (p.waitFor(delay, TimeUnit.MILLISECONDS)) {
            int exit = p.exitValue();
            assertEquals(0, exit, () -> "an unkilled run succeeds: " + cmd.subList(cmd.size() - 3, cmd.size())
                    + " (seed " + seed + "): " + readQuietly(err));
            return true;
        }
        p.destroyForcibly(); // SIGKILL on Linux
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        return false;
    }

    static String readQuietly(Path f) {
        try {
            return Files.readString(f);
        } catch (IOException e) {
            return "(no stderr: " + e + ")";
        }
    }

    static long timed(Runnable r) {
        long t0 = System.nanoTime();
        r.run();
        return (System.nanoTime() - t0) / 1_000_000;
    }

    /** The layer in {@code root} is absent (false) or complete and equal to {@code ref} (true). */
    static boolean layerState(Path root, String hex, Map<String, String> refTree, List<String> others)
            throws IOException {
        List<String> layers = names(root.resolve("layers"));
        List<String> withOut = layers.stream().filter(l -> !l.equals(hex)).toList();
        assertEquals(others, withOut, "no other layer appears or vanishes");
        if (!layers.contains(hex)) return false;
        Path dir = root.resolve("layers").resolve(hex);
        // the extracted layer, its index (written before the layer is published) and its metadata
        assertEquals(List.of("diff", "diff" + LayerIndex.SUFFIX, "layer.json"), names(dir), "a published layer is complete");
        assertTrue(Files.readString(dir.resolve("layer.json")).contains("\"id\" : \"sha256:" + hex + "\""));
        assertEquals(refTree, StoreProcs.tree(dir.resolve("diff")), "a published layer has all its files");
        return true;
    }

    @Test
    void killedImportsAndLayerRemovalsLeaveTheStoreBeforeOrAfter() throws Exception {
        Path tar = tmp.resolve("layer.tar");
        StoreProcs.writeLayer(tar, 1500, 60, 1);
        Path ref = tmp.resolve("ref");
        String[] id = new String[1];
        long full = timed(() -> id[0] = ok(StoreProcs.jfs(ref, "layer", "import", tar.toString())).out().trim());
        String hex = id[0].substring("sha256:".length());
        Map<String, String> refTree = StoreProcs.tree(ref.resolve("layers").resolve(hex).resolve("diff"));

        Path root = tmp.resolve("store");
        boolean present = false;
        int killedMidway = 0, imports = 0, removals = 0;
        for (int i = 0; i < 16; i++) {
            List<String> cmd = present ? java("dev.jfs.cli.Jfs", "layer", "rm", id[0])
                    : java("dev.jfs.cli.Jfs", "layer", "import", tar.toString());
            if (present) removals++;
            else imports++;
            boolean finished = runAndMaybeKill(root, cmd, full * 12 / 10);
            boolean now = layerState(root, hex, refTree, List.of());
            if (finished) assertEquals(!present, now, "a finished command did its work");
            if (!names(root.resolve("tmp")).isEmpty()) killedMidway++;
            // The next command works, sees the same state, and clears the dead process's leftovers.
            String ls = ok(StoreProcs.jfs(root, "layer", "ls", "-q", "--no-trunc")).out();
            assertEquals(now ? id[0] + "\n" : "", ls, "seed " + seed);
            assertEquals(List.of(), names(root.resolve("tmp")), "stale scratch dirs are cleaned");
            present = now;
        }
        assertTrue(imports > 0 && removals >= 0);
        assertTrue(killedMidway > 0, "some kill landed in the middle of an operation (seed " + seed + ")");
        // And the store still works for a full import afterwards.
        if (present) ok(StoreProcs.jfs(root, "layer", "rm", id[0]));
        assertEquals(id[0], ok(StoreProcs.jfs(root, "layer", "import", tar.toString())).out().trim());
        assertTrue(layerState(root, hex, refTree, List.of()));
    }

    @Test
    void killedCreatesAndContainerRemovalsLeaveTheStoreBeforeOrAfter() throws Exception {
        Path tar = tmp.resolve("base.tar");
        StoreProcs.writeLayer(tar, 50, 1000, 2);
        Path root = tmp.resolve("store");
        String base = ok(StoreProcs.jfs(root, "layer", "import", tar.toString())).out().trim();
        long full = timed(() -> ok(StoreProcs.jfs(root, "create", "--name", "probe", base)));
        ok(StoreProcs.jfs(root, "rm", "probe"));
        boolean present = false;
        for (int i = 0; i < 12; i++) {
            List<String> cmd = present ? java("dev.jfs.cli.Jfs", "rm", "box")
                    : java("dev.jfs.cli.Jfs", "create", "--name", "box", base);
            boolean finished = runAndMaybeKill(root, cmd, full * 12 / 10);
            List<String> cs = names(root.resolve("containers"));
            boolean now = cs.contains("box");
            assertEquals(now ? List.of("box") : List.of(), cs);
            if (now) {
                Path c = root.resolve("containers/box");
                assertEquals(List.of("container.json", "in-use.lock", "upper", "work"), names(c));
                assertTrue(Files.readString(c.resolve("container.json")).contains(base));
            }
            if (finished) assertEquals(!present, now);
            String ls = ok(StoreProcs.jfs(root, "ls", "-q")).out();
            assertEquals(now ? "box\n" : "", ls, "seed " + seed);
            assertEquals(List.of(), names(root.resolve("tmp")));
            present = now;
        }
        assertEquals(List.of(base.substring(7)), names(root.resolve("layers")), "the layer is untouched");
    }

    @Test
    void killedCommitsLeaveTheStoreBeforeOrAfter() throws Exception {
        Path baseTar = tmp.resolve("base.tar");
        StoreProcs.writeLayer(baseTar, 50, 1000, 3);
        Path commitTar = tmp.resolve("commit.tar");
        StoreProcs.writeLayer(commitTar, 1200, 60, 4);
        Path root = tmp.resolve("store");
        String base = ok(StoreProcs.jfs(root, "layer", "import", baseTar.toString())).out().trim();
        ok(StoreProcs.jfs(root, "create", "--name", "c", base));

        Path ref = tmp.resolve("ref");
        ok(StoreProcs.jfs(ref, "layer", "import", baseTar.toString()));
        ok(StoreProcs.jfs(ref, "create", "--name", "c", base));
        List<String> commitCmd = java(CommitLayerMain.class.getName(), "c", commitTar.toString());
        String[] id = new String[1];
        long full = timed(() -> id[0] = ok(StoreProcs.run(StoreProcs.builder(ref, commitCmd), null)).out().trim());
        String hex = id[0].substring(7);
        Map<String, String> refTree = StoreProcs.tree(ref.resolve("layers").resolve(hex).resolve("diff"));
        assertTrue(Files.readString(ref.resolve("layers").resolve(hex).resolve("layer.json")).contains(base),
                "the committed layer's parent is the container's layer");

        boolean present = false;
        int killedMidway = 0;
        // 12 rounds, and more (up to 48) until a kill has landed mid-way: the random delays may
        // all miss the commit's writing by chance, and then the test would have checked nothing.
        for (int i = 0; i < 12 || (killedMidway == 0 && i < 48); i++) {
            List<String> cmd = present ? java("dev.jfs.cli.Jfs", "layer", "rm", id[0]) : commitCmd;
            boolean finished = runAndMaybeKill(root, cmd, full * 12 / 10);
            boolean now = layerState(root, hex, refTree, List.of(base.substring(7)));
            if (finished) assertEquals(!present, now);
            if (!names(root.resolve("tmp")).isEmpty()) killedMidway++;
            ok(StoreProcs.jfs(root, "layer", "ls"));
            assertEquals(List.of(), names(root.resolve("tmp")));
            present = now;
        }
        assertTrue(killedMidway > 0, "some kill landed in the middle of an operation (seed " + seed + ")");
        assertEquals(List.of("c"), names(root.resolve("containers")));
    }

    /**
     * The real {@code jfs commit CONTAINER}, killed at points spread over its whole run (JVM
     * start, reading the upper, writing the tar, publishing): the store holds the new layer
     * complete or not at all, {@code layer ls} works, and a retried commit gives the same id.
     */
    @Test
    void killedJfsCommitOfAContainerLeavesTheStoreBeforeOrAfter() throws Exception {
        Path baseTar = tmp.resolve("base.tar");
        StoreProcs.writeLayer(baseTar, 50, 1000, 5);
        Path root = tmp.resolve("store");
        String base = ok(StoreProcs.jfs(root, "layer", "import", baseTar.toString())).out().trim();
        ok(StoreProcs.jfs(root, "create", "--name", "c", base));
        // What a container wrote: new files (some large), a changed one, a whiteout. Written
        // straight into the upper, which is a plain directory; the commit is what is under test.
        Path upper = root.resolve("containers/c/upper");
        Random data = new Random(seed);
        for (int i = 0; i < 800; i++) {
            Path f = upper.resolve("new" + (i % 8)).resolve("file" + i);
            Files.createDirectories(f.getParent());
            byte[] b = new byte[i % 100 == 0 ? 2 << 20 : 200 + data.nextInt(6000)];
            data.nextBytes(b);
            Files.write(f, b);
        }
        Files.createDirectories(upper.resolve("dir0"));
        Files.writeString(upper.resolve("dir0/file0"), "changed\n");
        dev.jfs.posix.Posix.mknod(upper.resolve("dir0/file10").toString(), dev.jfs.posix.Stat.S_IFCHR, 0);

        List<String> commit = java("dev.jfs.cli.Jfs", "commit", "c");
        String[] out = new String[1];
        long full = timed(() -> out[0] = ok(StoreProcs.jfs(root, "commit", "c")).out());
        String id = out[0].lines().filter(l -> l.startsWith("layer")).map(l -> l.replaceFirst("^layer\\s+", ""))
                .findFirst().orElseThrow(() -> new AssertionError("no layer line: " + out[0]));
        String hex = id.substring(7);
        Map<String, String> refTree = StoreProcs.tree(root.resolve("layers").resolve(hex).resolve("diff"));
        assertTrue(refTree.containsKey("new3/file3") && refTree.size() > 800, "the committed layer has the files");
        ok(StoreProcs.jfs(root, "layer", "rm", id));

        boolean present = false;
        int killed = 0, killedMidway = 0, finishedRuns = 0, n = 12;
        List<String> others = List.of(base.substring(7));
        for (int i = 0; i < n; i++) {
            // spread over the run, from the JVM's start to well past the end (some finish), with jitter
            long delay = Math.max(1, (long) (full * (0.05 + 1.8 * i / n) + rnd.nextDouble() * full / n));
            // with the layer present, a removal or a commit that finds it published already
            boolean rm = present && rnd.nextBoolean();
            boolean finished = runAndKillAfter(root, rm ? java("dev.jfs.cli.Jfs", "layer", "rm", id) : commit, delay);
            if (!finished && !rm) killed++;
            if (finished) finishedRuns++;
            boolean now = layerState(root, hex, refTree, others);
            if (finished) assertEquals(!rm, now, "a finished command did its work (seed " + seed + ")");
            if (!rm && present) assertTrue(now, "a killed commit never removes a published layer (seed " + seed + ")");
            if (!names(root.resolve("tmp")).isEmpty()) killedMidway++;
            String ls = ok(StoreProcs.jfs(root, "layer", "ls", "-q", "--no-trunc")).out();
            assertEquals(now, ls.contains(id), "layer ls agrees with the store (seed " + seed + "): " + ls);
            assertEquals(List.of(), names(root.resolve("tmp")), "stale scratch dirs are cleaned");
            present = now;
        }
        System.out.println("killed jfs commit: " + n + " runs, full commit " + full + " ms, " + killed
                + " commits killed, " + finishedRuns + " finished, " + killedMidway + " with work in progress, seed " + seed);
        assertTrue(killed > 0, "some commit was killed (seed " + seed + ")");
        assertTrue(killedMidway > 0, "some kill landed in the middle of a commit (seed " + seed + ")");
        String again = ok(StoreProcs.jfs(root, "commit", "c")).out();
        assertTrue(again.lines().anyMatch(l -> l.matches("layer\\s+" + id)), "a retried commit gives the same id: " + again);
        assertTrue(layerState(root, hex, refTree, others));
        assertEquals(List.of("c"), names(root.resolve("containers")));
    }
}
