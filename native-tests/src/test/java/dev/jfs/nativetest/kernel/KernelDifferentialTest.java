package dev.jfs.nativetest.kernel;

import static dev.jfs.nativetest.CliProcess.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.jfs.fuse.MountTable;
import dev.jfs.union.LayerIndex;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The differential test: seeded random operations applied through a jfs mount and through a
 * kernel overlayfs mount (redirect_dir=on,index=on) of copies of the same layers. Every
 * operation must give the same result (success or the same errno), and every few operations the
 * two merged trees must be equal, link counts included. In stages: each stage's upper becomes the next stage's top
 * lower (what jfs wrote, jfs reads back), and each stage ends with an unmount and remount.
 * -Djfs.diff.seeds=N, -Djfs.diff.ops=N, -Djfs.diff.stages=N make it longer; -Djfs.diff.first=S
 * starts at seed S instead of 1 (to run seeds not run before, or one seed again).
 */
class KernelDifferentialTest {
    static final long FIRST_SEED = Long.getLong("jfs.diff.first", 1);
    static final int SEEDS = Integer.getInteger("jfs.diff.seeds", 6);
    static final int OPS = Integer.getInteger("jfs.diff.ops", 70);
    static final int STAGES = Integer.getInteger("jfs.diff.stages", 3);
    static final int COMPARE_EVERY = 5;
    static int operationsRun, comparisons, divergences;

    @TempDir Path tmp;
    Path kmnt, jmnt, jfsLog;

    static Stream<Long> seeds() {
        return Stream.iterate(FIRST_SEED, s -> s + 1).limit(SEEDS);
    }

    @AfterAll
    static void summary() {
        System.out.println("differential: " + SEEDS + " seeds, " + operationsRun + " operations, "
                + comparisons + " tree comparisons, " + divergences + " divergences");
    }

    /**
     * The cases fuse-overlayfs gets wrong, in a fixed order: renaming directories from a lower
     * (it answers EXDEV), chmod/chown of a FIFO from a lower (EIO), renaming an opaque directory
     * (deleted lower entries come back).
     */
    static final List<Operation> KNOWN_CASES = List.of(
            new Operation("rename", "/usr/lib", "/usr/lib2", 0, null),
            new Operation("rename", "/usr", "/opt/usr", 0, null),
            new Operation("chmod", "/var/fifo", null, 0600, null),
            new Operation("chown", "/var/fifo", null, 1000, null),
            new Operation("rm-r", "/etc", null, 0, null),
            new Operation("recreate-dir", "/etc", null, 0, null),
            new Operation("rename", "/etc", "/etc2", 0, null),
            new Operation("rename", "/etc2", "/var/etc3", 0, null),
            new Operation("rename", "/var/log", "/log", 0, null),
            new Operation("link", "/opt/usr/lib2/hard-a", "/hard-d", 0, null),
            new Operation("append", "/hard-d", null, 0, Operation.bytes("appended\n")));

    @ParameterizedTest
    @MethodSource("seeds")
    void knownPeerBugsAreNotJfsBugs(long seed) throws Exception {
        run(seed, List.of(KNOWN_CASES), 1);
    }

    /**
     * renameat2(RENAME_EXCHANGE) of lower, merged, opaque and new entries, files with directories,
     * across directories and back, over two stages (the first stage's upper a lower of the second).
     */
    static final List<List<Operation>> EXCHANGES = List.of(
            List.of(new Operation("exchange", "/usr/lib", "/etc", 0, null),
                    new Operation("exchange", "/etc/hard-a", "/usr/lib/hosts", 0, null),
                    new Operation("mkdir", "/made", null, 0755, null),
                    new Operation("write", "/made/new", null, 0, Operation.bytes("new\n")),
                    new Operation("exchange", "/made", "/var/log", 0, null),
                    new Operation("exchange", "/var/fifo", "/opt", 0, null),
                    new Operation("exchange", "/usr/abs-link", "/var/log/new", 0, null),
                    new Operation("exchange", "/usr", "/usr/lib", 0, null),
                    new Operation("exchange", "/none", "/usr", 0, null),
                    new Operation("append", "/etc/hard-b", null, 0, Operation.bytes("appended\n"))),
            List.of(new Operation("exchange", "/etc", "/usr/lib", 0, null),
                    new Operation("exchange", "/made", "/var", 0, null),
                    new Operation("rm-r", "/opt", null, 0, null),
                    new Operation("exchange", "/made/fifo", "/made/log", 0, null),
                    new Operation("exchange", "/made/fifo/new", "/etc/hosts", 0, null)));

    static Stream<Long> twoSeeds() {
        return seeds().limit(2);
    }

    @ParameterizedTest
    @MethodSource("twoSeeds")
    void exchangesAsTheKernel(long seed) throws Exception {
        run(seed, EXCHANGES, EXCHANGES.size());
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void jfsBehavesAsTheKernelOverlay(long seed) throws Exception {
        run(seed, null, STAGES);
    }

    /** Runs fixed operations (one list per stage), or random ones when {@code fixed} is null. */
    private void run(long seed, List<List<Operation>> fixed, int stages) throws Exception {
        requireRootAndFuse();
        kmnt = Files.createDirectories(tmp.resolve("kmnt"));
        jmnt = Files.createDirectories(tmp.resolve("jmnt"));
        List<Path> kLowers = new ArrayList<>(), jLowers = new ArrayList<>();
        for (int i = 2; i >= 0; i--) { // top-most first
            Path k = tmp.resolve("k-lower" + i), j = tmp.resolve("j-lower" + i);
            Fixture.layer(seed, i, k, false);
            Fixture.layer(seed, i, j, true);
            kLowers.add(k);
            jLowers.add(j);
        }
        // Odd seeds: jfs reads each lower through a layer index, as it reads the store's layers,
        // the uppers it wrote among them once they become lowers.
        boolean indexed = seed % 2 == 1;
        Random rnd = new Random(seed);
        List<String> log = new ArrayList<>();
        try {
            for (int stage = 0; stage < stages; stage++) {
                Path ku = tmp.resolve("k-upper" + stage), kw = tmp.resolve("k-work" + stage);
                Path ju = tmp.resolve("j-upper" + stage), jw = tmp.resolve("j-work" + stage);
                if (indexed) indexLowers(jLowers);
                Mounts.mountKernel(kLowers, ku, kw, kmnt);
                Mounts.mountJfs(jLowers, ju, jw, jmnt);
                jfsLog = jw.resolve("jfs.log");
                compare(seed, "stage " + stage + " mounted", log);
                if (indexed && !Mounts.PEER) assertTrue(readsIndexes(jmnt), "seed " + seed + ": the jfs daemon maps no layer index");
                int count = fixed != null ? fixed.get(stage).size() : OPS;
                for (int i = 0; i < count; i++) {
                    Operation op = fixed != null ? fixed.get(stage).get(i) : Operations.next(rnd, Tree.snapshot(kmnt).keySet());
                    int kr = op.applyTo(kmnt.toString());
                    int jr = op.applyTo(jmnt.toString());
                    operationsRun++;
                    log.add("stage " + stage + " op " + i + ": " + op + " -> " + kr);
                    if (kr != jr) {
                        divergences++;
                        fail("seed " + seed + ": " + op + " gave errno " + kr + " on the kernel, " + jr + " on jfs\n"
                                + String.join("\n", tail(log)) + daemonLog());
                    }
                    if (fixed != null || i % COMPARE_EVERY == COMPARE_EVERY - 1) compare(seed, "after op " + i, log);
                }
                Mounts.unmountKernel(kmnt);
                Mounts.unmountJfs(jmnt);
                // The same stack again: what jfs wrote must read back the same after a remount.
                Mounts.mountKernel(kLowers, ku, kw, kmnt);
                Mounts.mountJfs(jLowers, ju, jw, jmnt);
                compare(seed, "stage " + stage + " remounted", log);
                Mounts.unmountKernel(kmnt);
                Mounts.unmountJfs(jmnt);
                kLowers.add(0, ku);
                jLowers.add(0, ju);
            }
        } finally {
            forceUnmount(kmnt);
            forceUnmount(jmnt);
        }
    }

    /** Whether the daemon serving {@code mnt} has a layer index mapped (it maps each it uses). */
    private static boolean readsIndexes(Path mnt) throws Exception {
        long pid = MountTable.at(mnt).map(MountTable.Mount::jfsPid).orElse(-1L);
        return pid > 0 && Files.readString(Path.of("/proc/" + pid + "/maps")).contains(LayerIndex.SUFFIX);
    }

        private static void indexLowers(List<Path> lowers) throws Exception {
        for (Path l : lowers) {
            if (!Files.exists(Path.of(l + LayerIndex.SUFFIX))) LayerIndex.write(l);
        }
    }

        private void compare(long seed, String when, List<String> log) throws Exception {
        TreeMap<String, String> k = Tree.snapshot(kmnt, true), j;
        try {
            j = Tree.snapshot(jmnt, true);
        } catch (Exception e) { // the kernel's tree could be walked, jfs's not: a divergence too
            divergences++;
            throw new AssertionError("seed " + seed + ", " + when + ": walking the jfs tree failed: " + e.getMessage()
                    + "\nlast operations:\n" + String.join("\n", tail(log)) + daemonLog(), e);
        }
        comparisons++;
        if (!k.equals(j)) {
            divergences++;
            fail("seed " + seed + ", " + when + ": the merged trees differ:" + Tree.diff(k, j) + "\nlast operations:\n"
                    + String.join("\n", tail(log)));
        }
    }

    /** What the jfs daemon logged (unexpected exceptions come with their stack trace). */
    private String daemonLog() {
        try {
            return "\njfs daemon log:\n" + Files.readString(jfsLog);
        } catch (Exception e) {
            return "";
        }
    }

    private static List<String> tail(List<String> log) {
        return log.subList(Math.max(0, log.size() - 25), log.size());
    }
}
