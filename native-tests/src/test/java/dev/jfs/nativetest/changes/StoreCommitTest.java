package dev.jfs.nativetest.changes;

import static dev.jfs.nativetest.CliProcess.forceUnmount;
import static dev.jfs.nativetest.CliProcess.requireRootAndFuse;
import static dev.jfs.nativetest.CliProcess.sh;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jfs.nativetest.CliProcess;
import dev.jfs.nativetest.CliProcess.Result;
import dev.jfs.nativetest.kernel.Fixture;
import dev.jfs.nativetest.kernel.Tree;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 3 through the store: a container on an imported layer, changed through `jfsmount c`,
 * diffed and committed by name; the new layer's parent is the container's layer, and a
 * container made on the new layer shows what the first one did.
 */
class StoreCommitTest {
    static final long SEED = Long.getLong("jfs.changes.storeSeed", 42);

    @TempDir
    Path tmp;

    Path root;

    /** A jfs command on the store {@code root} (JFS_ROOT), as its own process. */
    static Result jfs(Path root, String... args) {
        List<String> cmd = new ArrayList<>(List.of("env", "JFS_ROOT=" + root));
        cmd.addAll(CliProcess.java("dev.jfs.cli.Jfs", args));
        return CliProcess.run(cmd);
    }

    static Result jfsmount(Path root, String... args) {
        List<String> cmd = new ArrayList<>(List.of("env", "JFS_ROOT=" + root));
        cmd.addAll(CliProcess.java("dev.jfs.cli.JfsMount", args));
        return CliProcess.run(cmd);
    }

    static Result ok(Result r, String what) {
        return Changes.ok(r, what);
    }

    /** The differential test's three lowers, flattened by the test's applier and tarred by GNU tar. */
    Path baseTar(Path flat) throws Exception {
        List<Path> bottomFirst = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Path j = tmp.resolve("j-lower" + i);
            Fixture.layer(SEED, i, j, true);
            bottomFirst.add(j);
        }
        OciApplier.flatten(bottomFirst, flat);
        Path tar = tmp.resolve("base.tar");
        sh("tar --xattrs --xattrs-include='user.*' --numeric-owner --sort=name -C '" + flat + "' -cf '" + tar + "' .");
        return tar;
    }

    static String sha256(String s) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void commitOfAContainerIsALayerOnItsLayerThatShowsWhatTheContainerDid() throws Exception {
        requireRootAndFuse();
        root = tmp.resolve("store");
        Path flat = tmp.resolve("flat"), mnt = Files.createDirectories(tmp.resolve("mnt"));
        Path tar = baseTar(flat);
        TreeMap<String, String> lowersView = Changes.snapshot(flat);
        String base = ok(jfs(root, "layer", "import", tar.toString()), "layer import").out().trim();
        assertTrue(base.matches("sha256:[0-9a-f]{64}"), base);
        ok(jfs(root, "create", "--name", "c", base), "create c");

        List<String> log = new ArrayList<>();
        TreeMap<String, String> merged;
        ok(jfsmount(root, "c", mnt.toString()), "jfsmount c");
        try {
            TreeMap<String, String> before = Changes.snapshot(mnt);
            assertEquals(lowersView, before, "the imported layer shows as the lowers were:" + Tree.diff(lowersView, before));
            Changes.randomOps(mnt, new Random(SEED), 60, log);
            merged = Changes.snapshot(mnt);
        } finally {
            unmount(mnt);
        }
        List<String> problems = new ArrayList<>();

        // diff by name == diff of the same directories by --lower/--upper; both as the rules say
        Path layerDir = root.resolve("layers").resolve(base.substring(7)).resolve("diff");
        Path upper = root.resolve("containers/c/upper"), work = root.resolve("containers/c/work");
        List<String> byName = lines(ok(jfs(root, "diff", "c"), "jfs diff c").out());
        List<String> byDirs = lines(ok(jfs(root, "diff", "--lower", layerDir.toString(), "--upper", upper.toString(),
                "--work", work.toString()), "jfs diff --lower --upper").out());
        if (!byName.equals(byDirs)) problems.add("jfs diff c " + byName + " != jfs diff --lower/--upper " + byDirs);
        List<DiffCheck.Line> json = DiffCheck.parseJson(ok(jfs(root, "diff", "c", "--format", "json"), "jfs diff c json").out());
        if (!json.stream().map(DiffCheck.Line::toString).toList().equals(byName)) problems.add("json " + json + " != text " + byName);
        problems.addAll(DiffCheck.problems(DiffCheck.parseText(String.join("\n", byName)), merged, lowersView,
                Changes.madeAgain(upper)));

        // commit by name, twice: once writing the tar too
        Path out = tmp.resolve("c.tar");
        Map<String, String> first = Changes.commitOutput(ok(jfs(root, "commit", "c", "-o", out.toString(), "-m", "test commit"),
                "jfs commit c -o"), null);
        assertEquals(List.of("diffID", "layer"), new ArrayList<>(first.keySet()), "jfs commit c prints diffID and layer");
        String diffId = first.get("diffID"), layer = first.get("layer");
        assertEquals("sha256:" + Changes.sha256(out), diffId, "the diffID is the sha256 of the tar -o wrote");
        assertEquals("sha256:" + sha256(base + " " + diffId), layer, "the layer id is the ChainID on the container's layer");
        Map<String, String> again = Changes.commitOutput(ok(jfs(root, "commit", "c"), "jfs commit c (again)"), null);
        assertEquals(first, again, "committing the same container again gives the same layer");

        String ls = ok(jfs(root, "layer", "ls"), "layer ls").out();
        boolean listed = ls.lines().anyMatch(l -> l.startsWith(layer.substring(7, 19)) && l.contains(base.substring(7, 19)));
        assertTrue(listed, "layer ls shows the new layer with its parent:\n" + ls);
        JsonNode info = new ObjectMapper().readTree(ok(jfs(root, "layer", "inspect", layer), "layer inspect").out());
        assertEquals(base, info.get("parent").asText());
        assertEquals(diffId, info.get("diffId").asText());

        // the tar -o wrote, applied to the base with the OCI rules, is the merged view too
        OciApplier.applyTar(Files.newInputStream(out), flat);
        TreeMap<String, String> applied = Changes.snapshot(flat);
        if (!applied.equals(merged)) problems.add("base + c.tar != merged view:" + Tree.diff(merged, applied));

        // a container on the new layer shows what c did, and has nothing to diff
        ok(jfs(root, "create", "--name", "c2", layer.substring(7, 19)), "create c2");
        ok(jfsmount(root, "c2", mnt.toString()), "jfsmount c2");
        try {
            TreeMap<String, String> c2 = Changes.snapshot(mnt);
            if (!c2.equals(merged)) problems.add("c2 on the committed layer != c's merged view:" + Tree.diff(merged, c2));
        } finally {
            unmount(mnt);
        }
        String d2 = ok(jfs(root, "diff", "c2"), "jfs diff c2").out();
        if (!d2.isEmpty()) problems.add("jfs diff c2 (nothing changed) printed " + d2);
        CommitDiffTest.report(SEED, problems, log);
    }

    void unmount(Path mnt) {
        try {
            ok(jfs(root, "umount", mnt.toString()), "jfs umount");
        } finally {
            forceUnmount(mnt);
        }
    }

    static List<String> lines(String out) {
        return out.lines().filter(l -> !l.isEmpty()).toList();
    }

    /** The contract's stdout for a container, exactly: diffID, blob (with --compress), layer; one space each. */
    @Test
    void commitOfAContainerPrintsTheContractsLines() throws Exception {
        requireRootAndFuse();
        root = tmp.resolve("store");
        Path flat = tmp.resolve("flat");
        String base = ok(jfs(root, "layer", "import", baseTar(flat).toString()), "layer import").out().trim();
        ok(jfs(root, "create", "--name", "c", base), "create c");
        Files.writeString(root.resolve("containers/c/upper/new-file"), "new\n");
        Changes.assertContractLines(jfs(root, "commit", "c"), "diffID", "layer");
        Changes.assertContractLines(jfs(root, "commit", "c", "--compress", "zstd", "-o", tmp.resolve("c.tzst").toString()),
                "diffID", "blob", "layer");
    }
}
