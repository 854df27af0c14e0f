package dev.jfs.nativetest.changes;

import static dev.jfs.nativetest.CliProcess.forceUnmount;
import static dev.jfs.nativetest.CliProcess.jfs;
import static dev.jfs.nativetest.CliProcess.requireRootAndFuse;
import static dev.jfs.nativetest.CliProcess.sh;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.jfs.nativetest.CliProcess.Result;
import dev.jfs.nativetest.kernel.Fixture;
import dev.jfs.nativetest.kernel.Mounts;
import dev.jfs.nativetest.kernel.Operation;
import dev.jfs.nativetest.kernel.Tree;
import dev.jfs.posix.Posix;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 3: `jfs commit` and `jfs diff` on seeded random change sets made through a real jfs
 * mount of the differential test's three lowers. For each seed: the commit tar is reproducible,
 * well-formed (SPEC 4) and, applied to the flattened lowers with the OCI rules by the test's own
 * applier, gives exactly the merged view; gzip and zstd give the same diffID and the digest of
 * the file written; the diff lists A = merged - lowers exactly, covers every removed path with
 * a D and every changed one with a C, in tree order, the same in text and JSON; and the same
 * upper rewritten to the OCI file markers gives the same lines and the same tar bytes. Fixed
 * cases besides: equal copy-ups are no change, the contract's own examples with exact lines,
 * hard cases (index, redirects, PAX names, binary xattrs), commit's exact output lines.
 * -Djfs.changes.seeds=N (default 6), -Djfs.changes.ops=N (default 80) make it longer;
 * -Djfs.changes.firstSeed=S starts elsewhere (to replay one seed: firstSeed=S, seeds=1).
 */
class CommitDiffTest {
    static final int SEEDS = Integer.getInteger("jfs.changes.seeds", 6);
    static final int OPS = Integer.getInteger("jfs.changes.ops", 80);
    static final long FIRST_SEED = Long.getLong("jfs.changes.firstSeed", 1);
    static int diffLines, tarEntries, operations, markersRewritten;

    @TempDir
    Path tmp;

    Path jmnt, kmnt, upper, work, out;
    List<Path> jLowers = new ArrayList<>(), kLowers = new ArrayList<>();

    static Stream<Long> seeds() {
        return Stream.iterate(FIRST_SEED, s -> s + 1).limit(SEEDS);
    }

    @AfterAll
    static void summary() {
        System.out.println("commit/diff: " + SEEDS + " seeds, " + operations + " operations, " + diffLines
                + " diff lines, " + tarEntries + " tar entries checked, " + markersRewritten
                + " upper markers rewritten to the file format");
    }

    /** The three lowers, top-most first, in jfs's (OCI file markers) and the kernel's spelling. */
    void lowers(long seed) throws Exception {
        requireRootAndFuse();
        jmnt = Files.createDirectories(tmp.resolve("jmnt"));
        kmnt = Files.createDirectories(tmp.resolve("kmnt"));
        out = Files.createDirectories(tmp.resolve("out"));
        upper = tmp.resolve("upper");
        work = tmp.resolve("work");
        for (int i = 2; i >= 0; i--) {
            Path j = tmp.resolve("j-lower" + i), k = tmp.resolve("k-lower" + i);
            Fixture.layer(seed, i, j, true);
            Fixture.layer(seed, i, k, false);
            jLowers.add(j);
            kLowers.add(k);
        }
    }

    /** The lowers alone, as the kernel's read-only overlay shows them. */
    TreeMap<String, String> lowersView() throws Exception {
        sh("mount -t overlay overlay -o 'lowerdir=" + Mounts.lowerSpec(kLowers) + "' '" + kmnt + "'");
        try {
            return Changes.snapshot(kmnt);
        } finally {
            sh("umount '" + kmnt + "'");
        }
    }

    /** The lowers flattened by the test's own applier into a fresh directory, checked against the kernel. */
    Path flatLowers(Map<String, String> lowersView, String name) throws Exception {
        Path flat = tmp.resolve(name);
        List<Path> bottomFirst = new ArrayList<>(jLowers);
        java.util.Collections.reverse(bottomFirst);
        OciApplier.flatten(bottomFirst, flat);
        TreeMap<String, String> f = Changes.snapshot(flat);
        assertEquals(lowersView, f, "the test's applier flattens the lowers as the kernel overlays them:"
                + Tree.diff(lowersView, f));
        return flat;
    }

    record Merged(TreeMap<String, String> tree, Map<String, Long> mtimes) {}

    Merged change(List<Operation> fixed, Random rnd, List<String> log) throws Exception {
        Mounts.mountJfs(jLowers, upper, work, jmnt);
        try {
            if (fixed != null) {
                for (Operation op : fixed) log.add(op + " -> " + op.applyTo(jmnt.toString()));
            } else {
                Changes.randomOps(jmnt, rnd, OPS, log);
                operations += OPS;
            }
            return new Merged(Changes.snapshot(jmnt), Changes.fileMtimes(jmnt));
        } finally {
            try {
                Mounts.unmountJfs(jmnt);
            } finally {
                forceUnmount(jmnt);
            }
        }
    }

    String[] source() {
        return new String[] {"--lower", Mounts.lowerSpec(jLowers), "--upper", upper.toString(), "--work", work.toString()};
    }

    String[] commitArgs(String... more) {
        List<String> a = new ArrayList<>(List.of("commit"));
        a.addAll(List.of(source()));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    /** All of issue 3's checks on one upper; returns the problems found, empty if none. */
    List<String> checkAll(Merged merged, TreeMap<String, String> lowersView, Path flat) throws Exception {
        List<String> problems = new ArrayList<>();
        // diff
        List<DiffCheck.Line> lines = Changes.diff(problems, false, source());
        diffLines += lines.size();
        problems.addAll(DiffCheck.problems(lines, merged.tree(), lowersView, Changes.madeAgain(upper)));

        // commit, four times
        Path t1 = out.resolve("layer.tar"), t2 = out.resolve("layer2.tar");
        Path gz = out.resolve("layer.tar.gz"), zst = out.resolve("layer.tar.zst");
        Map<String, String> o1 = Changes.commitOutput(jfs(commitArgs("-o", t1.toString())), null);
        Map<String, String> o2 = Changes.commitOutput(jfs(commitArgs("-o", t2.toString())), null);
        Map<String, String> og = Changes.commitOutput(jfs(commitArgs("--compress", "gzip", "-o", gz.toString())), null);
        Map<String, String> oz = Changes.commitOutput(jfs(commitArgs("--compress", "zstd", "-o", zst.toString())), null);
        byte[] tar = Files.readAllBytes(t1);
        String diffId = "sha256:" + Changes.sha256(t1);
        if (!o1.keySet().equals(Set.of("diffID"))) problems.add("commit -o printed " + o1 + ", want diffID only");
        if (!diffId.equals(o1.get("diffID"))) problems.add("commit printed diffID " + o1.get("diffID") + ", the tar's sha256 is " + diffId);
        if (!java.util.Arrays.equals(tar, Files.readAllBytes(t2))) problems.add("the same upper committed twice gave different bytes");
        if (!diffId.equals(o2.get("diffID"))) problems.add("second commit printed " + o2);
        for (Object[] c : new Object[][] {{"gzip", gz, og}, {"zstd", zst, oz}}) {
            Path f = (Path) c[1];
            @SuppressWarnings("unchecked") Map<String, String> o = (Map<String, String>) c[2];
            if (!o.keySet().equals(Set.of("diffID", "blob"))) problems.add(c[0] + ": commit printed " + o.keySet() + ", want diffID and blob");
            if (!diffId.equals(o.get("diffID"))) problems.add(c[0] + ": diffID " + o.get("diffID") + ", uncompressed " + diffId);
            String blob = "sha256:" + Changes.sha256(f);
            if (!blob.equals(o.get("blob"))) problems.add(c[0] + ": blob " + o.get("blob") + ", the file's sha256 is " + blob);
            byte[] plain = c[0].equals("gzip") ? Changes.gunzip(f) : Changes.unzstd(f);
            if (!java.util.Arrays.equals(tar, plain)) problems.add(c[0] + ": decompressed is not the uncompressed tar's bytes");
        }

        // the tar's format, then applying it
        LayerTar lt = new LayerTar(tar);
        tarEntries += lt.entries.size();
        problems.addAll(lt.problems(merged.mtimes()));
        try {
            OciApplier.applyTar(LayerTar.stream(tar), flat, lt.entries.stream().map(LayerTar.Entry::xattrs).toList());
            TreeMap<String, String> applied = Changes.snapshot(flat);
            if (!applied.equals(merged.tree())) {
                problems.add("the lowers plus the tar (OCI rules) are not the merged view (expected = merged, actual = applied):"
                        + Tree.diff(merged.tree(), applied).replace("kernel:", "merged: ").replace("jfs:   ", "applied:"));
            }
        } catch (AssertionError | RuntimeException e) {
            problems.add("applying the tar: " + e);
        }
        if (!problems.isEmpty()) {
            problems.add("diff lines: " + lines);
            problems.add("tar entries: " + lt.names());
        }
        return problems;
    }

    static void report(long seed, List<String> problems, List<String> log) {
        if (problems.isEmpty()) return;
        fail("seed " + seed + ": " + problems.size() + " problems:\n  " + String.join("\n  ", problems)
                + "\noperations:\n  " + String.join("\n  ", log));
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void commitAndDiffAgreeWithTheMergedView(long seed) throws Exception {
        lowers(seed);
        List<String> log = new ArrayList<>();
        Merged merged = change(null, new Random(seed * 7919), log);
        TreeMap<String, String> lowersView = lowersView();
        Path flat = flatLowers(lowersView, "flat");
        List<String> problems = checkAll(merged, lowersView, flat);
        problems.addAll(sameInFileMarkers());
        report(seed, problems, log);
    }

    /**
     * The same upper with the OCI file markers and user.overlay xattrs (jfs's format when not
     * root; SPEC 2 reads both in an upper): the same diff lines and the same tar bytes.
     */
    List<String> sameInFileMarkers() throws Exception {
        List<String> problems = new ArrayList<>();
        Path alt = Files.createDirectories(tmp.resolve("alt"));
        sh("cp -a '" + upper + "' '" + work + "' '" + alt + "'"); // one cp: upper-index hard links kept
        Path aUpper = alt.resolve(upper.getFileName()), aWork = alt.resolve(work.getFileName());
        int rewritten = Changes.toFileMarkers(aUpper);
        markersRewritten += rewritten;
        String[] src = {"--lower", Mounts.lowerSpec(jLowers), "--upper", aUpper.toString(), "--work", aWork.toString()};
        String want = Changes.ok(jfs(concat(new String[] {"diff"}, source())), "jfs diff").out();
        String got = Changes.ok(jfs(concat(new String[] {"diff"}, src)), "jfs diff (file markers)").out();
        if (!want.equals(got)) problems.add("diff of the upper in file markers (" + rewritten + " rewritten) differs:\n"
                + want + "  vs\n" + got);
        Path t = out.resolve("alt.tar");
        Map<String, String> o = Changes.commitOutput(jfs(concat(new String[] {"commit"}, src, new String[] {"-o", t.toString()})),
                null);
        if (!java.util.Arrays.equals(Files.readAllBytes(out.resolve("layer.tar")), Files.readAllBytes(t))) {
            problems.add("commit of the upper in file markers (" + rewritten + " rewritten) gives other bytes: " + o
                    + LayerTar.firstDifferences(new LayerTar(Files.readAllBytes(out.resolve("layer.tar"))),
                            new LayerTar(Files.readAllBytes(t))));
        }
        return problems;
    }

    static String[] concat(String[]... parts) {
        return Stream.of(parts).flatMap(Stream::of).toArray(String[]::new);
    }

    /** Copy-ups that leave entries as they were are no change; a name that never existed below is never D. */
    @Test
    void copiedUpButEqualIsNoChange() throws Exception {
        lowers(11);
        String top = tmp.resolve("j-lower2").toString();
        Path hosts = tmp.resolve("j-lower2/etc/hosts");
        int hostsMode = Posix.lstat(hosts.toString()).permissions();
        int logMode = Posix.lstat(top + "/var/log").permissions();
        List<Operation> ops = List.of(
                new Operation("utimes", "/etc/hosts", null, 1_234_567, null),
                new Operation("chmod", "/etc/hosts", null, hostsMode, null),
                new Operation("chmod", "/var/log", null, logMode, null),
                new Operation("write", "/etc/rel-link", null, 0, Files.readAllBytes(hosts)), // through the symlink
                new Operation("setxattr", "/usr/lib/deep", null, 0, Operation.bytes("v")),
                new Operation("removexattr", "/usr/lib/deep", null, 0, null),
                new Operation("create", "/opt/never-below", null, 0644, null),
                new Operation("unlink", "/opt/never-below", null, 0, null),
                new Operation("mkdir", "/usr/lib/deep/new-dir", null, 0755, null),
                new Operation("create", "/usr/lib/deep/new-dir/f", null, 0644, null),
                new Operation("rm-r", "/usr/lib/deep/new-dir", null, 0, null),
                new Operation("link", "/usr/lib/hard-a", "/opt/new-link", 0, null),
                new Operation("unlink", "/opt/new-link", null, 0, null));
        List<String> log = new ArrayList<>();
        Merged merged = change(ops, null, log);
        for (String l : log) assertTrue(l.endsWith("-> 0"), "every operation succeeds: " + log);
        assertTrue(Files.exists(upper.resolve("etc/hosts")), "the test did copy files up");
        TreeMap<String, String> lowersView = lowersView();
        assertEquals(lowersView, merged.tree(), "the merged view is the lowers' again:" + Tree.diff(lowersView, merged.tree()));
        List<String> problems = new ArrayList<>();
        List<DiffCheck.Line> lines = Changes.diff(problems, false, source());
        if (!lines.isEmpty()) problems.add("diff of equal copies and of names made and removed again should be empty, is " + lines);
        problems.addAll(checkAll(merged, lowersView, flatLowers(lowersView, "flat")));
        report(11, problems, log);
    }

    /**
     * The contract's own examples, with exact lines: a directory removed and made again is D and
     * its new child A; a lower directory replaced by a file is C and its lower children each D;
     * a removed lower FIFO is D and its parent C; the root is never listed.
     */
    @Test
    void contractExamples() throws Exception {
        lowers(5);
        TreeMap<String, String> lowersView = lowersView();
        List<Operation> ops = List.of(
                new Operation("recreate-dir", "/etc", null, 0, null),
                new Operation("rm-r", "/usr/lib/deep", null, 0, null),
                new Operation("write", "/usr/lib/deep", null, 0, Operation.bytes("now a file\n")),
                new Operation("unlink", "/var/fifo", null, 0, null));
        List<String> log = new ArrayList<>();
        Merged merged = change(ops, null, log);
        for (String l : log) assertTrue(l.endsWith("-> 0"), "every operation succeeds: " + log);
        List<String> want = new ArrayList<>(List.of("D /etc", "A /etc/made-again", "C /usr", "C /usr/lib", "C /usr/lib/deep"));
        for (String l : lowersView.keySet()) { // deep's children in the lowers, each its own D
            if (TreeOrder.parent(l).equals("/usr/lib/deep")) want.add("D " + l);
        }
        want.add("C /var");
        want.add("D /var/fifo");
        want.sort((a, b) -> TreeOrder.compare(a.substring(2), b.substring(2)));
        List<String> problems = new ArrayList<>();
        List<String> got = Changes.diff(problems, true, source()).stream().map(DiffCheck.Line::toString).toList();
        assertEquals(String.join("\n", want), String.join("\n", got), "jfs diff");
        problems.addAll(checkAll(merged, lowersView, flatLowers(lowersView, "flat")));
        report(5, problems, log);
    }

    /**
     * Fixed hard cases: a write to one name of a lower hard link (every name changes, through the
     * index), a lower directory renamed onto another emptied one (redirect: that one is made
     * again), directories renamed away and around, an opaque directory renamed, a lower FIFO's
     * owner, a new hard link to a lower file, a binary xattr, names that need PAX records. Then
     * all of the random test's checks.
     */
    @ParameterizedTest
    @MethodSource("hardCaseSeeds")
    void hardCases(long seed) throws Exception {
        lowers(seed);
        TreeMap<String, String> lowersView = lowersView();
        List<Operation> ops = new ArrayList<>();
        ops.add(new Operation("append", "/usr/lib/hard-b", null, 0, Operation.bytes("through one name\n")));
        for (String p : lowersView.keySet()) {
            if (TreeOrder.parent(p).equals("/var/log")) ops.add(new Operation("rm-r", p, null, 0, null));
        }
        ops.add(new Operation("rename", "/usr/lib/deep", "/var/log", 0, null));
        ops.add(new Operation("link", "/etc/hosts", "/etc/hosts-link", 0, null));
        ops.add(new Operation("rename", "/usr/lib", "/usr/lib2", 0, null));
        ops.add(new Operation("rename", "/usr", "/opt/usr", 0, null));
        ops.add(new Operation("chown", "/var/fifo", null, 1000, null));
        ops.add(new Operation("recreate-dir", "/etc", null, 0, null));
        ops.add(new Operation("rename", "/etc", "/etc2", 0, null));
        ops.add(new Operation("rename", "/etc2", "/var/etc3", 0, null));
        ops.add(new Operation("mkdir", "/usr", null, 0700, null));
        ops.add(new Operation("link", "/opt/usr/lib2/hard-a", "/hard-d", 0, null));
        // a binary xattr value, names that need PAX (non-ASCII, spaces, longer than 100 bytes)
        ops.add(new Operation("setxattr", "/hard-d", null, 1, new byte[] {(byte) 0xff, 0, (byte) 0x80, '\n', 'x'}));
        ops.add(new Operation("create", "/opt/gr\u00fc\u00dfe mit leerzeichen", null, 0640, null));
        String longDir = "/opt/" + "d".repeat(120);
        ops.add(new Operation("mkdir", longDir, null, 0755, null));
        ops.add(new Operation("write", longDir + "/" + "f".repeat(150), null, 0, Operation.bytes("long\n")));
        ops.add(new Operation("link", longDir + "/" + "f".repeat(150), longDir + "/" + "g".repeat(140), 0, null));
        List<String> log = new ArrayList<>();
        Merged merged = change(ops, null, log);
        for (String l : log) assertTrue(l.endsWith("-> 0"), "every operation succeeds: " + log);
        report(seed, checkAll(merged, lowersView, flatLowers(lowersView, "flat")), log);
    }

    static Stream<Long> hardCaseSeeds() {
        return Stream.of(1L, 2L);
    }

    /**
     * The contract's stdout, exactly: "diffID sha256:<hex>", and with --compress also
     * "blob sha256:<hex>", one space after the field name (the other tests read any spacing).
     */
    @Test
    void commitPrintsTheContractsLines() throws Exception {
        lowers(3);
        change(List.of(new Operation("write", "/etc/new", null, 0, Operation.bytes("new\n"))), null, new ArrayList<>());
        Changes.assertContractLines(jfs(commitArgs("-o", out.resolve("l.tar").toString())), "diffID");
        Changes.assertContractLines(jfs(commitArgs("--compress", "gzip", "-o", out.resolve("l.tgz").toString())), "diffID", "blob");
    }
}
