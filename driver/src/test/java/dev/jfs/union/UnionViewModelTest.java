package dev.jfs.union;

import static org.junit.jupiter.api.Assertions.*;

import dev.jfs.posix.DirEntry;
import dev.jfs.posix.Posix;
import dev.jfs.posix.Stat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The merged view of random lower stacks against a model that applies the layers bottom-up with
 * the OCI rules (a whiteout deletes, an opaque directory clears what is below, a later entry
 * replaces). Stacks of up to 8 layers exercise the lower-source index and the directory cache;
 * stacks of 10 to 24 (seeds from 13) have directories probed in many layers at once.
 */
class UnionViewModelTest {
    @TempDir Path tmp;

    private static final String[] NAMES = {"a", "b", "c", "d", "e"};

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16})
    void mergedViewMatchesTheOciModel(long seed) throws Exception {
        checkAgainstModel(seed, false);
    }

    /** The same stacks, each layer read through its {@link LayerIndex}. */
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16})
    void mergedViewThroughLayerIndexesMatchesTheOciModel(long seed) throws Exception {
        checkAgainstModel(seed, true);
    }

    private void checkAgainstModel(long seed, boolean indexed) throws Exception {
        Random rnd = new Random(seed);
        int n = seed > 12 ? 10 + rnd.nextInt(15) : 2 + rnd.nextInt(7);
        List<Path> lowersTopFirst = new ArrayList<>();
        TreeMap<String, String> model = new TreeMap<>(); // path -> "d" or file content
        for (int i = 0; i < n; i++) {
            Path layer = Files.createDirectories(tmp.resolve("L" + i)); // L0 is the bottom
            buildLayer(rnd, layer, "", 0, model, i % 2 == 0, seed > 12);
            lowersTopFirst.add(0, layer);
        }
        if (indexed) {
            for (Path l : lowersTopFirst) {
                LayerIndex.write(l);
                assertTrue(LowerLayer.unindexed(l.toString()).dir("").stats() == null, "unindexed reads the disk");
                assertTrue(new LowerLayer(1, l.toString()).indexed(), "seed " + seed + ": index of " + l + " not used");
            }
        }
        UnionView view = UnionView.open(new LayerStack(lowersTopFirst, null, null));
        long batchesBefore = ParallelProbes.batchesRun();
        for (int pass = 0; pass < 2; pass++) { // the second pass runs on warm caches
            for (var e : model.entrySet()) {
                Node node = view.lookup(e.getKey());
                assertNotNull(node, "seed " + seed + ": missing /" + e.getKey());
                if (e.getValue().equals("d")) {
                    assertTrue(node.isDirectory(), "/" + e.getKey());
                    TreeSet<String> expected = model.keySet().stream()
                            .filter(p -> RelPath.parent(p).equals(e.getKey()) && !p.equals(e.getKey()))
                            .map(RelPath::name).collect(Collectors.toCollection(TreeSet::new));
                    TreeSet<String> actual = view.readdir(node).stream().map(DirEntry::name)
                            .collect(Collectors.toCollection(TreeSet::new));
                    assertEquals(expected, actual, "seed " + seed + ": readdir /" + e.getKey());
                } else {
                    assertEquals(e.getValue(), Files.readString(Path.of(node.realPath())), "/" + e.getKey());
                }
            }
            for (String name : NAMES) {
                for (String dir : new ArrayList<>(model.keySet())) {
                    if (!model.get(dir).equals("d")) continue;
                    String p = RelPath.join(dir, name);
                    assertEquals(model.containsKey(p), view.lookup(p) != null, "seed " + seed + ": /" + p);
                }
            }
        }
        if (seed > 12 && !indexed) {
            assertTrue(ParallelProbes.batchesRun() > batchesBefore, "seed " + seed + ": no directory probed in many layers at once");
        }
        if (indexed) assertEquals(batchesBefore, ParallelProbes.batchesRun(), "seed " + seed + ": indexed layers wait for no disk");
    }

    /** Adds random entries to one layer and applies them to the model, as OCI would. */
    private void buildLayer(Random rnd, Path layer, String dir, int depth, TreeMap<String, String> model,
                            boolean fileMarkers, boolean mostlyDirs) throws Exception {
        Files.createDirectories(layer.resolve(dir.isEmpty() ? "." : dir));
        for (String name : NAMES) {
            String p = RelPath.join(dir, name);
            Path real = layer.resolve(p);
            int pick = rnd.nextInt(10);
            // Deep stacks: directories most layers share, so that many copies are probed at once.
            if (mostlyDirs) pick = pick < 2 ? pick : pick < 3 ? 4 : pick < 4 ? 6 : 7 + pick % 3;
            if (pick < 3) continue; // untouched by this layer
            if (pick < 5 && model.containsKey(p)) { // whiteout
                if (fileMarkers) Files.createFile(real.resolveSibling(".wh." + name));
                else Posix.mknod(real.toString(), Stat.S_IFCHR, 0);
                removeTree(model, p);
            } else if (pick < 7 || depth >= 2) { // a file
                String content = "L" + layer.getFileName() + ":" + p;
                Files.writeString(real, content);
                removeTree(model, p);
                model.put(p, content);
            } else { // a directory, sometimes opaque
                boolean opaque = rnd.nextInt(3) == 0;
                Files.createDirectories(real);
                if (!"d".equals(model.get(p))) removeTree(model, p);
                if (opaque) {
                    if (fileMarkers) Files.createFile(real.resolve(".wh..wh..opq"));
                    else Posix.setxattr(real.toString(), "trusted.overlay.opaque", new byte[] {'y'}, 0);
                    removeTree(model, p);
                }
                model.put(p, "d");
                buildLayer(rnd, layer, p, depth + 1, model, fileMarkers, mostlyDirs);
            }
        }
    }

    private static void removeTree(TreeMap<String, String> model, String p) {
        model.keySet().removeIf(k -> RelPath.isWithin(k, p));
    }
}
