package dev.jfs.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jfs.UserError;
import dev.jfs.posix.Posix;
import dev.jfs.archive.ExtractOptions;
import dev.jfs.union.LayerStack;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreTest {
    @TempDir
    Path tmp;
    Path root;
    Store store;

    @BeforeEach
    void open() {
        root = tmp.resolve("store");
        store = Store.open(root, new ExtractOptions(false));
    }

    static byte[] tar(String... nameContent) {
        TestTars t = new TestTars();
        for (int i = 0; i < nameContent.length; i += 2) t.file(nameContent[i], nameContent[i + 1]);
        return t.bytes();
    }

    Store.Imported imp(byte[] tar, String parent) {
        return store.importLayer(new ByteArrayInputStream(tar), "t.tar", parent, null);
    }

    List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    long countFiles(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.count();
        }
    }

    @Test
    void aBaseLayerIsNamedByItsDiffIdAndStoredOnce() throws IOException {
        byte[] t = tar("a", "1", "b", "2");
        Store.Imported first = imp(t, null);
        assertFalse(first.alreadyPresent());
        assertEquals(TestTars.sha256(t), first.layer().diffId());
        assertEquals(first.layer().diffId(), first.layer().id(), "ChainID(L0) = DiffID(L0)");
        assertEquals(first.layer().id(), first.layer().chainId());
        assertNull(first.layer().parent());
        assertEquals(t.length, first.layer().size());
        assertEquals("1", Files.readString(store.layerDir(first.layer()).resolve("a")));

        Store.Imported again = imp(t, null);
        assertTrue(again.alreadyPresent());
        assertEquals(first.layer(), again.layer());
        assertEquals(List.of(first.layer().hex()), names(root.resolve("layers")));
        assertEquals(List.of(), names(root.resolve("tmp")), "the duplicate's scratch dir is gone");
        // compressed, the same content is the same layer too
        assertTrue(store.importLayer(new ByteArrayInputStream(TestTars.gzip(t)), "t.tgz", null, null).alreadyPresent());
    }

    @Test
    void chainIdsFollowTheOciSpec() {
        byte[] t0 = tar("base", "0"), t1 = tar("one", "1"), t2 = tar("two", "2");
        LayerInfo l0 = imp(t0, null).layer();
        LayerInfo l1 = imp(t1, l0.id()).layer();
        LayerInfo l2 = imp(t2, l1.id().substring(0, 15)).layer(); // a prefix works as parent
        String c1 = "sha256:" + Ids.sha256Hex(TestTars.sha256(t0) + " " + TestTars.sha256(t1));
        String c2 = "sha256:" + Ids.sha256Hex(c1 + " " + TestTars.sha256(t2));
        assertEquals(c1, l1.chainId());
        assertEquals(c1, l1.id());
        assertEquals(c2, l2.id());
        assertEquals(l0.id(), l1.parent());
        assertEquals(l1.id(), l2.parent());
        assertEquals(TestTars.sha256(t2), l2.diffId());
        assertEquals(List.of(l2, l1, l0), store.chain(l2));
    }

    @Test
    void theSameContentOnAnotherParentIsAnotherLayer() {
        LayerInfo a = imp(tar("a", "a"), null).layer();
        LayerInfo b = imp(tar("b", "b"), null).layer();
        byte[] top = tar("top", "t");
        LayerInfo onA = imp(top, a.id()).layer();
        LayerInfo onB = imp(top, b.id()).layer();
        LayerInfo alone = imp(top, null).layer();
        assertEquals(onA.diffId(), onB.diffId());
        assertNotEquals(onA.id(), onB.id());
        assertNotEquals(onA.id(), alone.id());
        assertEquals(5, store.layers().size());
        assertTrue(imp(top, a.id()).alreadyPresent());
    }

    @Test
    void aFailedImportLeavesNothing() throws IOException {
        byte[] good = tar("a", "1");
        byte[] cut = Arrays.copyOf(good, good.length - 1024); // no end-of-archive blocks
        UserError e = assertThrows(UserError.class, () -> imp(cut, null));
        assertTrue(e.getMessage().startsWith("t.tar: truncated tar archive"), e.getMessage());
        UserError hostile = assertThrows(UserError.class, () -> imp(new TestTars().file("../x", "x").bytes(), null));
        assertTrue(hostile.getMessage().contains(".."), hostile.getMessage());
        assertEquals(List.of(), names(root.resolve("layers")));
        assertEquals(List.of(), names(root.resolve("tmp")));
        assertFalse(Files.exists(tmp.resolve("x")));
    }

    @Test
    void idsMayBeGivenByUniquePrefix() {
        LayerInfo l = imp(tar("a", "1"), null).layer();
        assertEquals(l, store.layer(l.hex().substring(0, 6)));
        assertEquals(l, store.layer("sha256:" + l.hex().substring(0, 6)));
        assertEquals(l, store.layer(l.id()));
        UserError none = assertThrows(UserError.class, () -> store.layer("0000000000000000"
                .equals(l.hex().substring(0, 16)) ? "1111" : "0000000000000000"));
        assertTrue(none.getMessage().contains("no such layer"));
        assertThrows(UserError.class, () -> store.layer("not-hex"));
        // Ambiguity: import until two ids share a first hex digit.
        List<LayerInfo> all = new ArrayList<>();
        all.add(l);
        for (int i = 0; ; i++) {
            LayerInfo n = imp(tar("f", "content " + i), null).layer();
            LayerInfo clash = all.stream().filter(x -> x.hex().charAt(0) == n.hex().charAt(0)).findFirst().orElse(null);
            all.add(n);
            if (clash != null) {
                UserError amb = assertThrows(UserError.class, () -> store.layer(n.hex().substring(0, 1)));
                assertTrue(amb.getMessage().contains("ambiguous"), amb.getMessage());
                break;
            }
        }
    }

    @Test
    void layerRmIsRefusedWhileAContainerOrAChildUsesIt() {
        LayerInfo base = imp(tar("a", "1"), null).layer();
        LayerInfo child = imp(tar("b", "2"), base.id()).layer();
        ContainerInfo c = store.createContainer("box", child.id());
        UserError e1 = assertThrows(UserError.class, () -> store.removeLayer(base.id(), false));
        assertTrue(e1.getMessage().contains("layer " + child.hex().substring(0, 12)), e1.getMessage());
        UserError e2 = assertThrows(UserError.class, () -> store.removeLayer(child.id(), false));
        assertTrue(e2.getMessage().contains("container box"), e2.getMessage());
        assertEquals(2, store.layers().size());

        store.removeContainer(c.name());
        store.removeLayer(child.id(), false);
        store.removeLayer(base.id(), false);
        assertEquals(List.of(), store.layers());
    }

    @Test
    void layerRmForceRemovesAndUsersThenFailClearly() throws IOException {
        LayerInfo base = imp(tar("a", "1"), null).layer();
        LayerInfo child = imp(tar("b", "2"), base.id()).layer();
        store.createContainer("box", child.id());
        store.removeLayer(base.id(), true);
        assertEquals(List.of(child.hex()), names(root.resolve("layers")));
        UserError e = assertThrows(UserError.class, () -> store.containerStack("box"));
        assertTrue(e.getMessage().contains("missing"), e.getMessage());
        assertEquals(List.of(), names(root.resolve("tmp")));
    }

    @Test
    void containerStackListsTheChainTopMostFirst() {
        LayerInfo base = imp(tar("a", "1"), null).layer();
        LayerInfo child = imp(tar("b", "2"), base.id()).layer();
        store.createContainer("box", child.hex().substring(0, 8));
        LayerStack s = store.containerStack("box");
        try {
            assertEquals(List.of(store.layerDir(child), store.layerDir(base)), s.lowers());
            assertEquals(root.resolve("containers/box/upper"), s.upper());
            assertEquals(root.resolve("containers/box/work"), s.work());
            assertTrue(Files.isDirectory(s.upper()));
            assertTrue(Files.isDirectory(s.work()));
            s.validate();
        } finally {
            store.release("box");
        }
    }

    @Test
    void aContainerFromNothingHasAnEmptyBase() throws IOException {
        ContainerInfo c = store.createContainer(null, null);
        assertTrue(c.name().matches("[a-z]+_[a-z]+(_\\d+)?"), c.name());
        assertNull(c.layer());
        LayerStack s = store.containerStack(c.name());
        store.release(c.name());
        assertEquals(1, s.lowers().size());
        assertEquals(List.of(), names(s.lowers().get(0)));
        String id = store.addCommittedLayer(c.name(), write(tar("x", "x")), null);
        assertNull(store.layer(id).parent());
    }

    @Test
    void containerNamesAreUniqueAndChecked() {
        store.createContainer("one", null);
        assertThrows(UserError.class, () -> store.createContainer("one", null));
        UserError bad = assertThrows(UserError.class, () -> store.createContainer("../evil", null));
        assertTrue(bad.getMessage().contains("container name"), bad.getMessage());
        assertThrows(UserError.class, () -> store.createContainer("a/b", null));
        assertThrows(UserError.class, () -> store.createContainer("", null));
        assertEquals(List.of("one"), store.containers().stream().map(ContainerInfo::name).toList());
        UserError missingLayer = assertThrows(UserError.class, () -> store.createContainer("two", "abcdef"));
        assertTrue(missingLayer.getMessage().contains("no such layer"), missingLayer.getMessage());
        assertEquals(1, store.containers().size());
    }

    @Test
    void containerRmIsRefusedWhileThisProcessUsesIt() throws IOException {
        LayerInfo base = imp(tar("a", "1"), null).layer();
        store.createContainer("box", base.id());
        Files.writeString(root.resolve("containers/box/upper/new"), "data");
        store.containerStack("box");
        UserError e = assertThrows(UserError.class, () -> store.removeContainer("box"));
        assertTrue(e.getMessage().contains("in use"), e.getMessage());
        assertNotNull(store.busyReason("box"));
        store.release("box");
        assertNull(store.busyReason("box"));
        store.removeContainer("box");
        assertEquals(List.of(), store.containers());
        assertEquals(List.of(), names(root.resolve("containers")));
        assertEquals(List.of(), names(root.resolve("tmp")));
        assertThrows(UserError.class, () -> store.removeContainer("box"));
    }

    @Test
    void createReadsNothingOfTheImageAndCopiesNothing() throws IOException {
        // SPEC 5: create takes the same time whatever the size of the image. Not timed here (a
        // unit test on a shared 2-core machine cannot time reliably): instead, create must not
        // read or list one file or directory of the layers. Reads show as access times: with an
        // atime set older than the ctime that setting it leaves, the next read or listing of an
        // entry moves its atime (relatime and strictatime alike).
        List<Path> entries = new ArrayList<>();
        LayerInfo large = null;
        for (int l = 0; l < 20; l++) {
            TestTars t = new TestTars();
            for (int i = 0; i < 1000; i++) t.file("l" + l + "/f" + i, "content " + l + "/" + i);
            large = imp(t.bytes(), large == null ? null : large.id()).layer();
            Path dir = store.layerDir(large);
            entries.add(dir);
            entries.add(dir.resolve("l" + l));
            for (int i = 0; i < 1000; i++) entries.add(dir.resolve("l" + l + "/f" + i));
        }
        long before = countFiles(root); // a walk: it lists every directory, so before the atimes are set
        FileTime old = FileTime.fromMillis(1_000_000);
        for (Path p : entries) {
            Files.getFileAttributeView(p, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).setTimes(null, old, null);
        }
        for (int i = 0; i < 30; i++) store.createContainer("c" + i, large.id());
        for (Path p : entries) assertEquals(old, accessTime(p), "create read or listed " + p);
        // Nothing copied: each container is container.json, in-use.lock, and two empty dirs.
        assertEquals(before + 30L * 5, countFiles(root), "5 inodes per container (its dir, json, lock, upper, work)");
        Path c = root.resolve("containers/c0");
        assertEquals(List.of("container.json", "in-use.lock", "upper", "work"), names(c));
        assertEquals(List.of(), names(c.resolve("upper")));
        assertEquals(List.of(), names(c.resolve("work")));
        // The check above can fail: reading a file and listing a directory do move their atimes.
        Files.readAllBytes(entries.get(2));
        names(entries.get(1));
        assertNotEquals(old, accessTime(entries.get(2)), "this filesystem must record reads (mounted noatime?)");
        assertNotEquals(old, accessTime(entries.get(1)), "this filesystem must record listings (mounted noatime?)");
    }

    static FileTime accessTime(Path p) throws IOException {
        return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).lastAccessTime();
    }

    @Test
    void addCommittedLayerStacksOnTheContainersLayerAndChecksTheDigest() throws IOException {
        LayerInfo base = imp(tar("a", "1"), null).layer();
        store.createContainer("box", base.id());
        byte[] t = tar("changed", "yes");
        Path f = write(t);
        UserError wrong = assertThrows(UserError.class,
                () -> store.addCommittedLayer("box", f, "sha256:" + "0".repeat(64)));
        assertTrue(wrong.getMessage().contains("digest"), wrong.getMessage());
        assertEquals(1, store.layers().size());
        assertEquals(List.of(), names(root.resolve("tmp")));
        String id = store.addCommittedLayer("box", f, TestTars.sha256(t));
        LayerInfo l = store.layer(id);
        assertEquals(base.id(), l.parent());
        assertEquals(TestTars.sha256(t), l.diffId());
        assertEquals("yes", Files.readString(store.layerDir(l).resolve("changed")));
        assertEquals(base.id(), store.container("box").layer(), "the container itself is unchanged");
    }

    @Test
    void staleScratchDirsAreCleanedButLiveOnesKept() throws IOException {
        Path junk = Files.createDirectories(root.resolve("tmp/layer-dead/diff/x"));
        Files.writeString(junk.resolve("f"), "partial");
        Files.createFile(root.resolve("tmp/orphan.lock"));
        Files.createDirectories(root.resolve("tmp/trash-abc"));
        Staging live;
        try (StoreLock.Held h = StoreLock.of(root).acquire()) {
            live = Staging.create(root.resolve("tmp"), "layer");
        }
        try {
            Store.open(root); // the next command cleans up
            assertEquals(List.of(live.dir().getFileName() + "", live.dir().getFileName() + ".lock"),
                    names(root.resolve("tmp")));
        } finally {
            live.close();
        }
        assertEquals(List.of(), names(root.resolve("tmp")));
    }

    @Test
    void concurrentImportsOfTheSameContentStoreItOnce() throws Exception {
        TestTars t = new TestTars();
        for (int i = 0; i < 300; i++) t.file("f" + i, "x".repeat(i));
        byte[] bytes = t.bytes();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Store.Imported>> fs = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                fs.add(pool.submit(() -> Store.open(root, new ExtractOptions(false))
                        .importLayer(new ByteArrayInputStream(bytes), "t", null, null)));
            }
            long fresh = 0;
            for (Future<Store.Imported> f : fs) if (!f.get().alreadyPresent()) fresh++;
            assertEquals(1, fresh);
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, names(root.resolve("layers")).size());
        assertEquals(List.of(), names(root.resolve("tmp")));
    }

    @Test
    void aLayerWithoutARootEntryKeepsItsParentsRoot() throws IOException {
        LayerInfo base = imp(new TestTars().dir("./", 0700).file("a", "1").bytes(), null).layer();
        LayerInfo child = imp(tar("b", "2"), base.id()).layer();
        LayerInfo ownRoot = imp(new TestTars().dir("./", 0751).file("c", "3").bytes(), base.id()).layer();
        assertEquals(0700, Posix.lstat(store.layerDir(base).toString()).permissions());
        assertEquals(0700, Posix.lstat(store.layerDir(child).toString()).permissions(),
                "no ./ entry: the root stays as the layers below have it");
        assertEquals(0751, Posix.lstat(store.layerDir(ownRoot).toString()).permissions());
    }

    @Test
    void metadataIsJson() throws IOException {
        LayerInfo l = imp(tar("a", "1"), null).layer();
        String json = Files.readString(root.resolve("layers").resolve(l.hex()).resolve("layer.json"), StandardCharsets.UTF_8);
        assertTrue(json.contains("\"diffId\" : \"" + l.diffId() + "\""), json);
        assertTrue(json.contains("\"parent\" : null"), json);
    }

    Path write(byte[] data) throws IOException {
        Path f = Files.createTempFile(tmp, "layer", ".tar");
        Files.write(f, data);
        return f;
    }
}
