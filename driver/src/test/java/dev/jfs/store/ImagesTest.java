package dev.jfs.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jfs.UserError;
import dev.jfs.archive.ExtractOptions;
import dev.jfs.image.Digests;
import dev.jfs.image.History;
import dev.jfs.image.ImageRef;
import dev.jfs.image.MediaTypes;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImagesTest {
    @TempDir
    Path tmp;
    Store store;
    Images images;

    @BeforeEach
    void open() {
        store = Store.open(tmp.resolve("store"), new ExtractOptions(false));
        images = store.images();
    }

    Image importTar(byte[] blob, String tag, String... changes) {
        return images.importRootfs(new ByteArrayInputStream(blob), "rootfs.tar", ImageRef.parse(tag), List.of(changes), null, null);
    }

    long count(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.count();
        }
    }

    @Test
    void anImportedRootfsIsAOneLayerImageWhoseBlobIsKeptAsGiven() {
        byte[] tar = new TestTars().file("bin/sh", "x").bytes();
        byte[] gz = TestTars.gzip(tar);
        Image img = importTar(gz, "base:1", "CMD [\"/bin/sh\"]");
        assertEquals(List.of("base:1"), img.tags());
        assertEquals(List.of(TestTars.sha256(tar)), img.config().diffIds());
        assertEquals(List.of("/bin/sh"), img.config().config.cmd);
        assertEquals(TestTars.sha256(gz), img.manifest().layers.get(0).digest);
        assertEquals(MediaTypes.OCI_LAYER_GZIP, img.manifest().layers.get(0).mediaType);
        assertArrayEquals(gz, store.blobs().read(img.manifest().layers.get(0).digest));
        assertEquals(img.id(), Digests.sha256(store.blobs().read(img.id())));
        assertEquals(img.digest(), Digests.sha256(store.blobs().read(img.digest())));
        assertEquals(img.id(), images.resolve("base:1").id());
        assertEquals(img.id(), images.resolve(img.shortId()).id());
        assertEquals(img.id(), images.resolve("base@" + img.digest()).id());
        UserError e = assertThrows(UserError.class, () -> images.resolve("base"));
        assertEquals("no such image: base", e.getMessage());
    }

    @Test
    void theSameRootfsImportedTwiceIsOneImageWithTheSameBytes() {
        byte[] tar = new TestTars().file("a", "1").bytes();
        Image one = importTar(tar, "a:1");
        Image two = importTar(tar, "a:2");
        assertEquals(1, store.layers().size());
        assertNotEquals(one.id(), two.id(), "created differs"); // a config names when it was made, as docker's does
        assertEquals(one.manifest().layers.get(0).digest, two.manifest().layers.get(0).digest);
    }

    @Test
    void commitAppendsALayerAHistoryEntryAndTheChanges() throws IOException {
        Image base = importTar(new TestTars().file("a", "1").bytes(), "base", "ENV A=1");
        ContainerInfo c = images.createContainer("c1", "base");
        assertEquals(base.id(), c.image());
        assertEquals(base.config().config.env, images.containerConfig("c1").config.env);
        byte[] layer = new TestTars().file("b", "2").bytes();
        Image next = images.commit("c1", out -> {
            out.write(layer);
            return TestTars.sha256(layer);
        }, "added b", List.of("ENV B=2", "WORKDIR /w"), ImageRef.parse("next:v1"));
        assertEquals(List.of(base.config().diffIds().get(0), TestTars.sha256(layer)), next.config().diffIds());
        assertEquals(List.of("A=1", "B=2"), next.config().config.env);
        assertEquals("/w", next.config().config.workingDir);
        History last = next.config().history.get(next.config().history.size() - 1);
        assertEquals("added b", last.comment);
        assertTrue(last.createdBy.startsWith("jfs commit -c 'ENV B=2'"), last.createdBy);
        assertEquals(2, next.layers().size());
        assertEquals(next.layers().get(1), next.top());
        assertEquals(TestTars.sha256(layer), next.manifest().layers.get(1).digest, "an uncompressed blob is the tar");
        ContainerInfo c2 = images.createContainer("c2", "next:v1");
        assertEquals(next.top().id(), c2.layer());
        assertEquals("2", Files.readString(store.layerDir(next.top()).resolve("b")));
    }

    @Test
    void rmiRemovesATagThenTheImageAndWhatNothingElseUses() throws IOException {
        Image base = importTar(new TestTars().file("a", "1").bytes(), "base");
        images.tag("base", "other:x");
        assertEquals(List.of("base:latest", "other:x"), images.resolve("base").tags());
        assertThrows(UserError.class, () -> images.remove(base.id(), false), "two tags, by id");
        assertEquals(List.of("Untagged: other:x"), images.remove("other:x", false));
        images.createContainer("c", "base");
        UserError inUse = assertThrows(UserError.class, () -> images.remove("base", false));
        assertTrue(inUse.getMessage().contains("container c"), inUse.getMessage());
        store.removeContainer("c");
        assertEquals(List.of("Untagged: base:latest", "Deleted: " + base.id()), images.remove("base", false));
        assertTrue(images.list().isEmpty());
        assertTrue(store.layers().isEmpty());
        assertEquals(0, count(store.root().resolve("blobs/sha256")));
    }

    @Test
    void rmiKeepsLayersAnotherImageShares() {
        byte[] tar = new TestTars().file("a", "1").bytes();
        importTar(tar, "one");
        Image two = importTar(TestTars.gzip(tar), "two");
        images.remove("one", false);
        assertEquals(1, store.layers().size());
        assertTrue(store.blobs().has(two.manifest().layers.get(0).digest));
        assertEquals(two.id(), images.resolve("two").id());
    }

    @Test
    void aBatchWithABadLayerPublishesNothing() {
        byte[] good = new TestTars().file("a", "1").bytes();
        byte[] bad = new TestTars().file("b", "2").bytes();
        Store.StagedLayer first = store.stageLayer(new ByteArrayInputStream(good), "l0", null,
                new Store.Expect(TestTars.sha256(good), null, null), null, null);
        try (first) {
            UserError e = assertThrows(UserError.class, () -> store.stageLayer(new ByteArrayInputStream(bad), "l1",
                    first.asParent(), new Store.Expect(null, "sha256:" + "0".repeat(64), null), null, null));
            assertTrue(e.getMessage().startsWith("l1: its digest is "), e.getMessage());
        }
        assertTrue(store.layers().isEmpty());
        assertFalse(store.blobs().has(TestTars.sha256(good)));
    }

    @Test
    void aLayerWhoseBlobTheStoreHasIsPublishedWithoutIt() throws IOException {
        byte[] base = new TestTars().file("a", "1").bytes();
        byte[] top = new TestTars().file("b", "2").bytes();
        LayerInfo onBase = store.importLayer(new ByteArrayInputStream(top), "top", store.importLayer(
                new ByteArrayInputStream(base), "base", null, null).layer().id(), null).layer();
        LayerInfo alone = store.importLayer(new ByteArrayInputStream(top), "top", null, null).layer();
        assertNotEquals(onBase.id(), alone.id(), "the same tar on another parent is another layer");
        assertEquals(onBase.blob(), alone.blob());
        assertEquals(List.of("diff", "diff.jfs-index", "layer.json"),
                Files.list(store.layerDir(alone).getParent()).map(p -> p.getFileName().toString()).sorted().toList());
    }

    @Test
    void aBlobIsStoredOnlyUnderTheDigestOfItsBytes() {
        byte[] b = "hello".getBytes();
        assertThrows(UserError.class, () -> store.blobs().put(new ByteArrayInputStream(b), "sha256:" + "1".repeat(64), "x"));
        assertFalse(store.blobs().has(Digests.sha256(b)));
        assertEquals(Digests.sha256(b), store.blobs().put(b));
        assertArrayEquals(b, store.blobs().read(Digests.sha256(b)));
    }
}
