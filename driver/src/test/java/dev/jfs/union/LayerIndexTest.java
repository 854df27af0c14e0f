package dev.jfs.union;

import static org.junit.jupiter.api.Assertions.*;

import dev.jfs.posix.DirEntry;
import dev.jfs.posix.Names;
import dev.jfs.posix.Posix;
import dev.jfs.posix.Stat;
import dev.jfs.archive.ExtractOptions;
import dev.jfs.store.LayerInfo;
import dev.jfs.store.Store;
import dev.jfs.store.TestTars;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A layer read through its {@link LayerIndex} answers every probe and listing as the layer's own
 * directories do, and an index that does not fit its directory is not used.
 */
class LayerIndexTest {
    static final String BYTES_DIR = Names.decode(new byte[] {'d', (byte) 0xff}), BYTES_FILE = Names.decode(new byte[] {(byte) 0xfe, 'f'});

    @TempDir Path tmp;
    Path layer;

    @BeforeEach
    void makeLayer() throws Exception {
        layer = Files.createDirectories(tmp.resolve("layer"));
        Path etc = Files.createDirectories(layer.resolve("etc/ssl"));
        Files.writeString(etc.resolve("certs.pem"), "x".repeat(5000));
        Files.writeString(layer.resolve("etc/hostname"), "box\n");
        Files.createLink(layer.resolve("etc/hostname.link"), layer.resolve("etc/hostname"));
        Files.createSymbolicLink(layer.resolve("etc/localtime"), Path.of("/usr/share/zoneinfo/UTC"));
        Posix.mknod(layer.resolve("etc/fifo").toString(), Stat.S_IFIFO | 0600, 0);
        Files.writeString(layer.resolve("ünïcode 名前 \t"), "");
        Files.createFile(layer.resolve("etc/.wh.motd"));                      // whiteout, file form
        Path opaque = Files.createDirectories(layer.resolve("var/opaque/sub"));
        Files.createFile(opaque.resolveSibling(".wh..wh..opq"));             // opaque, file form
        Path byXattr = Files.createDirectories(layer.resolve("var/xattr"));
        Posix.setxattr(byXattr.toString(), "user.overlay.opaque", "y".getBytes(StandardCharsets.UTF_8), 0);
        Path moved = Files.createDirectories(layer.resolve("moved"));
        Posix.setxattr(moved.toString(), "user.overlay.redirect", "/old/place".getBytes(StandardCharsets.UTF_8), 0);
        // Names that are not UTF-8: a directory, a file in it, a whiteout, a redirect.
        Posix.mkdir(layer + "/" + BYTES_DIR, 0755);
        Posix.close(Posix.open(layer + "/" + BYTES_DIR + "/" + BYTES_FILE, Posix.O_WRONLY | Posix.O_CREAT, 0644));
        Posix.close(Posix.open(layer + "/" + BYTES_DIR + "/.wh." + BYTES_FILE + "2", Posix.O_WRONLY | Posix.O_CREAT, 0644));
        Posix.setxattr(layer + "/" + BYTES_DIR, "user.overlay.redirect", Names.encode("/old/" + BYTES_FILE), 0);
        Files.createDirectories(layer.resolve("var/gone"));
        Files.createFile(layer.resolve("var/.wh.gone"));                     // a directory made again
        if (Posix.geteuid() == 0) {
            Posix.mknod(layer.resolve("etc/cdev-whiteout").toString(), Stat.S_IFCHR, 0);
            Posix.mknod(layer.resolve("etc/null").toString(), Stat.S_IFCHR | 0666, 259);
            Posix.lchown(layer.resolve("etc/hostname").toString(), 1234, 5678);
        }
    }

    @Test
    void theIndexAnswersEveryProbeAndListingAsTheDirectoriesDo() throws Exception {
        LayerIndex.write(layer);
        LowerLayer disk = LowerLayer.unindexed(layer.toString());
        LowerLayer indexed = new LowerLayer(0, layer.toString());
        assertTrue(indexed.indexed());
        List<String> paths = walk(disk, "");
        assertTrue(paths.size() > 15, "walked " + paths);
        List<String> absent = List.of("nope", "etc/nope", "etc/motd", "etc/cdev-whiteout", "etc/hostname/x",
                "var/gone/x", "var/opaque/nope", "etc/localtime/x", "no/such/dir");
        for (String rel : concat(paths, absent)) {
            assertEquals(withoutAtime(disk.probe(rel)), withoutAtime(indexed.probe(rel)), "probe " + rel);
            Probe p = disk.probe(rel);
            if (p.isDirectory()) assertEquals(disk.listing(rel), indexed.listing(rel), "listing " + rel);
        }
        assertTrue(indexed.probe("var/xattr").opaque());
        assertEquals("/old/place", indexed.probe("moved").redirect());
        assertTrue(paths.contains(BYTES_DIR + "/" + BYTES_FILE), "walked " + paths);
        assertEquals("/old/" + BYTES_FILE, indexed.probe(BYTES_DIR).redirect());
        assertEquals(Probe.Kind.WHITEOUT, indexed.probe(BYTES_DIR + "/" + BYTES_FILE + "2").kind());
        assertEquals(Probe.Kind.WHITEOUT, indexed.probe("etc/motd").kind());
    }

    @Test
    void aRecordThatDoesNotDecodeIsReadFromTheDirectory() throws Exception {
        LayerIndex.write(layer);
        Path index = LayerIndex.fileOf(layer.toString());
        byte[] b = Files.readAllBytes(index);
        int table = java.nio.ByteBuffer.wrap(b).getInt(60);
        java.util.Arrays.fill(b, 64, table, (byte) 0xff); // every record: lengths of -1
        Files.write(index, b);
        LowerLayer garbled = new LowerLayer(0, layer.toString());
        assertTrue(garbled.indexed(), "the header and table are whole");
        LowerLayer disk = LowerLayer.unindexed(layer.toString());
        for (String rel : walk(disk, "")) {
            assertEquals(withoutAtime(disk.probe(rel)), withoutAtime(garbled.probe(rel)), "probe " + rel);
        }
    }

    @Test
    void anIndexedLayerReadsNoDirectoryOfItsOwn() throws Exception {
        LayerIndex.write(layer);
        Files.writeString(layer.resolve("etc/ssl/added-after"), "");
        LowerLayer indexed = new LowerLayer(0, layer.toString());
        assertEquals(Probe.ABSENT, indexed.probe("etc/ssl/added-after"),
                "answered from the index, as an immutable layer may be");
        assertTrue(LowerLayer.unindexed(layer.toString()).probe("etc/ssl/added-after").isEntry());
    }

    @Test
    void anIndexMadeForAnotherDirectoryIsNotUsed() throws Exception {
        LayerIndex.write(layer);
        Path other = Files.createDirectories(tmp.resolve("other/etc"));
        Files.writeString(other.resolve("only-here"), "");
        Files.copy(LayerIndex.fileOf(layer.toString()), LayerIndex.fileOf(other.getParent().toString()));
        LowerLayer l = new LowerLayer(0, other.getParent().toString());
        assertFalse(l.indexed());
        assertTrue(l.probe("etc/only-here").isEntry());
        assertEquals(Probe.ABSENT, l.probe("etc/hostname"));
    }

    @Test
    void aLayerChangedAtItsRootAfterIndexingIsReadFromDisk() throws Exception {
        LayerIndex.write(layer);
        Files.writeString(layer.resolve("new-at-root"), "");
        LowerLayer l = new LowerLayer(0, layer.toString());
        assertFalse(l.indexed());
        assertTrue(l.probe("new-at-root").isEntry());
    }

    @Test
    void aCutShortOrForeignIndexIsNotUsed() throws Exception {
        LayerIndex.write(layer);
        Path index = LayerIndex.fileOf(layer.toString());
        byte[] whole = Files.readAllBytes(index);
        for (int cut : new int[] {0, 7, 40, whole.length / 2, whole.length - 1}) {
            Files.write(index, java.util.Arrays.copyOf(whole, cut));
            LowerLayer l = new LowerLayer(0, layer.toString());
            assertFalse(l.indexed(), "cut to " + cut + " bytes");
            assertTrue(l.probe("etc/hostname").isEntry());
        }
        byte[] foreign = whole.clone();
        foreign[0] = 'X';
        Files.write(index, foreign);
        assertFalse(new LowerLayer(0, layer.toString()).indexed());
        Files.move(index, tmp.resolve("aside"), StandardCopyOption.REPLACE_EXISTING);
        assertFalse(new LowerLayer(0, layer.toString()).indexed(), "no index file");
    }

    /** Reading a layer sets its access times, the index's reading among them: they are as of indexing. */
    private static Probe withoutAtime(Probe p) {
        if (p.stat() == null) return p;
        Stat s = p.stat();
        return new Probe(p.kind(), new Stat(s.dev(), s.ino(), s.mode(), s.nlink(), s.uid(), s.gid(), s.rdev(),
                s.size(), s.blksize(), s.blocks(), 0, 0, s.mtimeSec(), s.mtimeNsec(), s.ctimeSec(), s.ctimeNsec()),
                p.opaque(), p.redirect());
    }

    @Test
    void theStoreIndexesEveryLayerItImportsAndMountsReadThroughIt() throws Exception {
        Store store = Store.open(tmp.resolve("store"), new ExtractOptions(false));
        byte[] baseTar = new TestTars().dir("etc", 0755).file("etc/a", "1").file("etc/b", "2").bytes();
        LayerInfo base = store.importLayer(new ByteArrayInputStream(baseTar), "base.tar", null, null).layer();
        byte[] childTar = new TestTars().file("etc/.wh.a", "").file("etc/c", "3").bytes();
        LayerInfo child = store.importLayer(new ByteArrayInputStream(childTar), "child.tar", base.id(), null).layer();
        store.createContainer("box", child.id());
        LayerStack stack = store.containerStack("box");
        for (Path lower : stack.lowers()) {
            assertTrue(Files.isRegularFile(LayerIndex.fileOf(lower.toString())), lower + " has no index");
            assertTrue(new LowerLayer(0, lower.toString()).indexed(), "the index of " + lower + " fits it once published");
        }
        UnionView view = UnionView.open(stack);
        assertNull(view.lookup("etc/a"));
        assertEquals("2", Files.readString(Path.of(view.lookup("etc/b").realPath())));
        assertEquals(List.of("b", "c"), view.readdir(view.lookup("etc")).stream().map(DirEntry::name).sorted().toList());
    }

    @Test
    void aLowerGivenAsASymlinkIsItsDirectoryReadThroughItsIndex() throws Exception {
        LayerIndex.write(layer);
        Path link = Files.createSymbolicLink(tmp.resolve("link"), layer);
        LayerStack stack = LayerStack.of(link.toString(), tmp.resolve("upper"), null).validate();
        assertEquals(List.of(layer.toRealPath()), stack.lowers());
        assertTrue(new LowerLayer(0, stack.lowers().get(0).toString()).indexed());
        assertEquals("box\n", Files.readString(Path.of(UnionView.open(stack).lookup("etc/hostname").realPath())));
    }

    private static List<String> walk(LowerLayer l, String dir) {
        List<String> out = new ArrayList<>();
        out.add(dir);
        for (DirEntry e : l.listing(dir).entries()) {
            String rel = RelPath.join(dir, e.name());
            if (e.dtype() == DirEntry.DT_DIR) out.addAll(walk(l, rel));
            else out.add(rel);
        }
        return out;
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
