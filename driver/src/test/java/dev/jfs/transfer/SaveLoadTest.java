package dev.jfs.transfer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jfs.UserError;
import dev.jfs.archive.Compression;
import dev.jfs.archive.ExtractOptions;
import dev.jfs.image.ImageRef;
import dev.jfs.image.MediaTypes;
import dev.jfs.store.Image;
import dev.jfs.store.Store;
import dev.jfs.store.TestTars;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SaveLoadTest {
    @TempDir
    Path tmp;
    Store source;
    Image base;
    Image app;

    @BeforeEach
    void images() {
        source = open("source");
        base = source.images().importRootfs(new ByteArrayInputStream(TestTars.gzip(new TestTars().dir("etc", 0755)
                .file("etc/a", "1").bytes())), "base.tgz", ImageRef.parse("base:1"), List.of(), null, null);
        source.images().createContainer("c", "base:1");
        byte[] layer = new TestTars().file("etc/b", "2").bytes();
        app = source.images().commit("c", out -> {
            out.write(layer);
            return TestTars.sha256(layer);
        }, "b", List.of("CMD [\"/bin/true\"]"), ImageRef.parse("app:1"));
    }

    Store open(String name) {
        return Store.open(tmp.resolve(name), new ExtractOptions(false));
    }

    Path save(ArchiveFormat format, Compression compression, String since, String... refs) throws IOException {
        Path f = Files.createTempFile(tmp, "save", ".tar");
        try (FileChannel out = FileChannel.open(f, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            new ImageSaver(source, format, compression, since).save(List.of(refs), out);
        }
        return f;
    }

    long count(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.count();
        }
    }

    @Test
    void theSameImagesSavedTwiceGiveTheSameBytesAndLoadAsTheyWere() throws IOException {
        Path one = save(ArchiveFormat.OCI_AND_DOCKER, null, null, "app:1");
        Path two = save(ArchiveFormat.OCI_AND_DOCKER, null, null, "app:1");
        assertArrayEquals(Files.readAllBytes(one), Files.readAllBytes(two));
        Store target = open("target");
        List<ArchiveLoader.Loaded> loaded = new ArchiveLoader(target, null).load(one);
        assertEquals(1, loaded.size());
        assertEquals(List.of("app:1"), loaded.get(0).tags());
        Image got = target.images().resolve("app:1");
        assertEquals(app.id(), got.id());
        assertEquals(app.digest(), got.digest(), "the manifest's bytes are kept");
        assertEquals("2", Files.readString(target.layerDir(got.top()).resolve("etc/b")));
        assertEquals("1", Files.readString(target.layerDir(got.layers().get(0)).resolve("etc/a")));
        assertEquals(app.id(), new ArchiveLoader(target, null).load(one).get(0).image().id(), "loaded again");
        assertEquals(2, target.layers().size(), "layers the store has are not stored again");
    }

    @Test
    void aDockerArchiveLoadsWithItsTagsAndTheSameId() throws IOException {
        Path f = save(ArchiveFormat.DOCKER, null, null, "app:1", "base:1");
        List<String> names = entries(f);
        assertTrue(names.contains("manifest.json") && !names.contains("index.json"), names.toString());
        Store target = open("target");
        new ArchiveLoader(target, null).load(f);
        assertEquals(app.id(), target.images().resolve("app:1").id());
        assertEquals(base.id(), target.images().resolve("base:1").id());
        assertEquals(MediaTypes.OCI_LAYER, target.images().resolve("app:1").manifest().layers.get(0).mediaType,
                "a docker-only archive has uncompressed layers");
    }

    @Test
    void recompressedLayersKeepTheIdAndMakeANewManifest() throws IOException {
        Path f = save(ArchiveFormat.OCI, Compression.ZSTD, null, "app:1");
        Store target = open("target");
        new ArchiveLoader(target, null).load(f);
        Image got = target.images().resolve("app:1");
        assertEquals(app.id(), got.id());
        assertNotEquals(app.digest(), got.digest());
        assertTrue(got.manifest().layers.stream().allMatch(d -> d.mediaType.equals(MediaTypes.OCI_LAYER_ZSTD)));
    }

    @Test
    void sinceLeavesOutTheLayersTheOtherImageHas() throws IOException {
        Path f = save(ArchiveFormat.OCI_AND_DOCKER, null, "base:1", "app:1");
        Store empty = open("empty");
        UserError e = assertThrows(UserError.class, () -> new ArchiveLoader(empty, null).load(f));
        assertTrue(e.getMessage().contains("not in the archive"), e.getMessage());
        assertTrue(empty.layers().isEmpty());
        Store hasBase = open("hasBase");
        new ArchiveLoader(hasBase, null).load(save(ArchiveFormat.OCI_AND_DOCKER, null, null, "base:1"));
        new ArchiveLoader(hasBase, null).load(f);
        assertEquals(app.id(), hasBase.images().resolve("app:1").id());
    }

    @Test
    void aTamperedBlobLoadsNothing() throws IOException {
        Path good = save(ArchiveFormat.OCI_AND_DOCKER, null, null, "app:1");
        String topBlob = app.manifest().layers.get(1).digest.substring(7);
        Path bad = tmp.resolve("bad.tar");
        rewrite(good, bad, topBlob);
        Store target = open("target");
        UserError e = assertThrows(UserError.class, () -> new ArchiveLoader(target, null).load(bad));
        assertTrue(e.getMessage().contains("its digest is"), e.getMessage());
        assertTrue(target.layers().isEmpty(), "the good base layer is not left behind either");
        assertTrue(target.images().list().isEmpty());
        assertEquals(0, count(target.root().resolve("blobs/sha256")));
        assertEquals(0, count(target.root().resolve("tmp")));
    }

    /** A copy of the tar with one byte of the file named {@code hex} changed (at the same size). */
    static void rewrite(Path in, Path out, String hex) throws IOException {
        try (TarArchiveInputStream tin = new TarArchiveInputStream(Files.newInputStream(in));
             TarArchiveOutputStream tout = new TarArchiveOutputStream(Files.newOutputStream(out))) {
            for (TarArchiveEntry e; (e = tin.getNextEntry()) != null; ) {
                byte[] data = tin.readAllBytes();
                if (e.getName().endsWith(hex)) data[data.length / 3] ^= 1;
                tout.putArchiveEntry(e);
                tout.write(data);
                tout.closeArchiveEntry();
            }
        }
    }

    static List<String> entries(Path f) throws IOException {
        List<String> out = new ArrayList<>();
        try (TarArchiveInputStream tin = new TarArchiveInputStream(Files.newInputStream(f))) {
            for (TarArchiveEntry e; (e = tin.getNextEntry()) != null; ) out.add(e.getName());
        }
        return out;
    }

    @Test
    void anArchiveThatIsNoImageSaysSo() throws IOException {
        Path f = tmp.resolve("plain.tar");
        Files.write(f, new TestTars().file("x", "1").bytes());
        UserError e = assertThrows(UserError.class, () -> new ArchiveLoader(open("t"), null).load(f));
        assertTrue(e.getMessage().contains("neither an OCI image layout"), e.getMessage());
        assertFalse(e.getMessage().contains("Exception"));
    }
}
