package dev.jfs.nativetest.image;

import static dev.jfs.nativetest.image.ImageTools.jfs;
import static dev.jfs.nativetest.image.ImageTools.ok;
import static dev.jfs.nativetest.image.ImageTools.q;
import static dev.jfs.nativetest.image.ImageTools.sh;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jfs.nativetest.CliProcess;
import dev.jfs.nativetest.kernel.Tree;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Images as peers no one here wrote read and write them (SPEC 8): jfs imports a busybox rootfs,
 * commits a container with a message, saves; skopeo and umoci read what jfs saved, and jfs
 * loads what umoci made and skopeo archived, mounting exactly the tree umoci unpacks.
 */
class ImagePeersTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;
    Path root;

    @BeforeEach
    void tools() {
        ImageTools.requireTools("skopeo", "umoci", "tar", "mkfifo");
        root = tmp.resolve("store");
    }

    /** bb:1 imported from a busybox rootfs; bb:2 its container committed after changes through the mount. */
    Map<String, String> importAndCommit() throws Exception {
        Path rootfs = tmp.resolve("rootfs");
        ImageTools.busyboxRootfs(rootfs);
        Path tar = ImageTools.tar(rootfs, tmp.resolve("rootfs.tar"));
        String id = ok(jfs(root, "import", tar.toString(), "bb:1", "-c", "CMD [\"/bin/sh\"]")).out().trim();
        assertTrue(id.matches("sha256:[0-9a-f]{64}"), id);
        assertEquals(Tree.snapshot(rootfs).tailMap("/", false), ImageTools.mountedTree(root, "bb:1", tmp),
                "a container of the imported image shows the rootfs");

        ok(jfs(root, "create", "--name", "work", "bb:1"));
        Path mnt = Files.createDirectory(tmp.resolve("mnt"));
        ok(jfs(root, "mount", "work", mnt.toString()));
        Map<String, String> committed;
        try {
            Files.writeString(mnt.resolve("etc/motd"), "changed\n");
            Files.delete(mnt.resolve("bin/ls"));
            sh("rm -rf " + q(mnt.resolve("var/empty")) + " && mkdir -p " + q(mnt.resolve("srv/app")) + " && echo hi > "
                    + q(mnt.resolve("srv/app/hello")) + " && chmod 0700 " + q(mnt.resolve("srv/app")));
            committed = Tree.snapshot(mnt);
            committed.remove("/");
        } finally {
            ok(jfs(root, "umount", mnt.toString()));
            CliProcess.forceUnmount(mnt);
        }
        ok(jfs(root, "commit", "work", "bb:2", "-m", "motd changed, ls gone", "-c", "ENV GREETING=hi", "-c", "WORKDIR /srv/app"));
        return committed;
    }

    @Test
    void aCommitWithAMessageShowsInHistoryAndItsImageMountsTheCommittedTree() throws Exception {
        Map<String, String> committed = importAndCommit();
        String table = ok(jfs(root, "history", "bb:2")).out();
        List<String> rows = ImageTools.lines(table);
        assertEquals(3, rows.size(), table);
        assertTrue(rows.get(1).contains("motd changed, ls gone") && rows.get(1).contains("jfs commit"), table);
        assertTrue(rows.get(2).contains("<missing>") && rows.get(2).contains("jfs import"), table);
        JsonNode history = JSON.readTree(ok(jfs(root, "history", "--format", "json", "bb:2")).out());
        assertEquals("motd changed, ls gone", history.get(0).path("comment").asText());
        assertTrue(history.get(0).path("size").asLong() > 0);
        JsonNode config = JSON.readTree(ok(jfs(root, "image", "inspect", "bb:2")).out()).get(0).path("config").path("config");
        assertEquals("[\"GREETING=hi\"]", config.path("Env").toString());
        assertEquals("/srv/app", config.path("WorkingDir").asText());
        assertEquals("[\"/bin/sh\"]", config.path("Cmd").toString());
        Map<String, String> again = ImageTools.mountedTree(root, "bb:2", tmp);
        assertEquals(committed, again, Tree.diff(committed, again));
        assertFalse(again.containsKey("/bin/ls"));
    }

    @Test
    void whatJfsSavesSkopeoAndUmociReadAndUmociUnpacksTheTreeJfsMounts() throws Exception {
        importAndCommit();
        Path saved = tmp.resolve("bb.tar");
        ok(jfs(root, "save", "-o", saved.toString(), "bb:2"));
        Path again = tmp.resolve("again.tar");
        ok(jfs(root, "save", "-o", again.toString(), "bb:2"));
        assertArrayEquals(Files.readAllBytes(saved), Files.readAllBytes(again), "the same image saved twice");

        JsonNode image = JSON.readTree(ok(jfs(root, "image", "inspect", "bb:2")).out()).get(0);
        JsonNode oci = JSON.readTree(sh("skopeo inspect oci-archive:" + q(saved)));
        assertEquals(image.path("digest").asText(), oci.path("Digest").asText());
        assertEquals(image.path("config").path("rootfs").path("diff_ids"), oci.path("Layers"), "layers stored uncompressed");
        JsonNode docker = JSON.readTree(sh("skopeo inspect docker-archive:" + q(saved)));
        assertEquals(oci.path("Layers"), docker.path("Layers"));
        assertEquals(JSON.readTree("[\"GREETING=hi\"]"), docker.path("Env"));
        String dockerConfig = sh("skopeo inspect --config docker-archive:" + q(saved));
        assertEquals(image.path("id").asText().substring(7),
                sh("skopeo inspect --raw --config docker-archive:" + q(saved) + " | sha256sum").split(" ")[0], dockerConfig);

        Path layout = tmp.resolve("layout");
        Files.createDirectory(layout);
        sh("tar -C " + q(layout) + " -xf " + q(saved));
        Path bundle = tmp.resolve("bundle");
        sh("umoci unpack --image " + q(layout + ":2") + " " + q(bundle));
        Map<String, String> umoci = ImageTools.tree(bundle.resolve("rootfs"));
        Map<String, String> mounted = ImageTools.mountedTree(root, "bb:2", tmp);
        assertEquals(umoci, mounted, Tree.diff(umoci, mounted));

        Path copy = tmp.resolve("copy-docker.tar");
        sh("skopeo copy oci-archive:" + q(saved) + " docker-archive:" + q(copy) + ":copied/bb:3");
        Path other = tmp.resolve("other");
        String loaded = ok(jfs(other, "load", "-i", copy.toString())).out();
        assertTrue(loaded.contains("Loaded image: "), loaded);
        String name = loaded.trim().substring("Loaded image: ".length());
        JsonNode copied = JSON.readTree(ok(jfs(other, "image", "inspect", name)).out()).get(0);
        assertEquals(image.path("id"), copied.path("id"), "skopeo's copy keeps the config, so the id");
        Map<String, String> copiedTree = ImageTools.mountedTree(other, name, tmp);
        assertEquals(mounted, copiedTree, Tree.diff(mounted, copiedTree));
    }

    /**
     * An image made by umoci: three layers (files, then deletions and a replaced directory, which
     * umoci writes as whiteouts), Cmd/Env/WorkingDir/User set by umoci config.
     */
    Path umociImage() throws Exception {
        Path layout = tmp.resolve("umoci-layout");
        sh("umoci init --layout " + q(layout) + " && umoci new --image " + q(layout + ":t"));
        Path rootfs = umociLayer(layout, 1, r -> {
            ImageTools.busyboxRootfs(r);
            sh("mkdir -p " + q(r.resolve("data/keep")) + " " + q(r.resolve("data/gone/deep"))
                    + " && echo 1 > " + q(r.resolve("data/gone/deep/f")) + " && echo k > " + q(r.resolve("data/keep/k"))
                    + " && echo old > " + q(r.resolve("data/replaced")));
        });
        umociLayer(layout, 2, r -> sh("rm -rf " + q(r.resolve("data/gone")) + " " + q(r.resolve("bin/cat")) + " "
                + q(r.resolve("etc/motd")) + " && rm " + q(r.resolve("data/replaced")) + " && mkdir " + q(r.resolve("data/replaced"))
                + " && echo new > " + q(r.resolve("data/replaced/new"))));
        umociLayer(layout, 3, r -> sh("rm -rf " + q(r.resolve("data/keep")) + " && mkdir " + q(r.resolve("data/keep"))
                + " && echo again > " + q(r.resolve("data/keep/again"))));
        assertTrue(rootfs.toString().contains("bundle1"));
        sh("umoci config --image " + q(layout + ":t") + " --config.cmd /bin/sh --config.cmd -c --config.cmd 'echo hi'"
                + " --config.env A=1 --config.env B=two --config.workingdir /data --config.user 1000:1000");
        return layout;
    }

    interface RootfsChange {
        void apply(Path rootfs) throws Exception;
    }

    /** One more layer on umoci's image: unpack (repack builds on what was unpacked), change, repack. */
    Path umociLayer(Path layout, int n, RootfsChange change) throws Exception {
        Path bundle = tmp.resolve("bundle" + n);
        sh("umoci unpack --image " + q(layout + ":t") + " " + q(bundle));
        change.apply(bundle.resolve("rootfs"));
        sh("umoci repack --image " + q(layout + ":t") + " " + q(bundle));
        return bundle.resolve("rootfs");
    }

    @Test
    void imagesUmociMadeLoadFromSkopeosArchivesAsUmociUnpacksThem() throws Exception {
        Path layout = umociImage();
        Path expectedBundle = tmp.resolve("expected");
        sh("umoci unpack --image " + q(layout + ":t") + " " + q(expectedBundle));
        Map<String, String> expected = ImageTools.tree(expectedBundle.resolve("rootfs"));
        JsonNode umociConfig = JSON.readTree(sh("skopeo inspect --config oci:" + q(layout + ":t"))).path("config");
        assertEquals(3, JSON.readTree(sh("skopeo inspect oci:" + q(layout + ":t"))).path("Layers").size(),
                "umoci made three layers");

        for (String format : List.of("oci-archive", "docker-archive")) {
            Path archive = tmp.resolve(format + ".tar");
            sh("skopeo copy oci:" + q(layout + ":t") + " " + format + ":" + q(archive) + ":umoci/img:" + format);
            Path store = tmp.resolve("store-" + format);
            String out = ok(jfs(store, "load", "-i", archive.toString())).out();
            assertTrue(out.startsWith("Loaded image: ") && out.trim().endsWith("umoci/img:" + format), out);
            String name = out.trim().substring("Loaded image: ".length());
            Map<String, String> mounted = ImageTools.mountedTree(store, name, tmp);
            assertEquals(expected, mounted, format + ": " + Tree.diff(expected, mounted));
            JsonNode config = JSON.readTree(ok(jfs(store, "image", "inspect", name)).out()).get(0).path("config").path("config");
            for (String field : List.of("Cmd", "Env", "WorkingDir", "User")) {
                assertEquals(umociConfig.path(field), config.path(field), format + ": " + field);
            }
            assertEquals("1000:1000", config.path("User").asText());
        }
    }

    @Test
    void aBlobTamperedAfterItWasDigestedIsRefusedAndTheStoreIsUnchanged() throws Exception {
        importAndCommit();
        Path saved = tmp.resolve("bb.tar");
        ok(jfs(root, "save", "-o", saved.toString(), "bb:2"));
        JsonNode manifest = JSON.readTree(ok(jfs(root, "image", "inspect", "bb:2")).out()).get(0).path("manifest");
        String top = manifest.path("layers").get(1).path("digest").asText().substring(7);
        Path tampered = tmp.resolve("tampered.tar");
        flipAByteOf(saved, tampered, "blobs/sha256/" + top);

        Path store = tmp.resolve("target");
        ok(jfs(store, "load", "-i", saveOf("bb:1").toString()));
        String before = listing(store);
        CliProcess.Result r = jfs(store, "load", "-i", tampered.toString());
        assertEquals(1, r.exit(), r.toString());
        assertEquals(1, r.err().lines().count(), r.toString());
        assertTrue(r.err().contains("its digest is") && r.err().contains(top), r.toString());
        assertEquals(before, listing(store), "the store is as it was");
        CliProcess.Result viaStdin = ImageTools.jfsWithInput(store, tampered, "load");
        assertEquals(1, viaStdin.exit(), viaStdin.toString());
        assertEquals(before, listing(store));
        assertNotEquals("", before);
    }

    Path saveOf(String image) {
        Path f = tmp.resolve(image.replace(':', '-') + ".tar");
        ok(jfs(root, "save", "-o", f.toString(), image));
        return f;
    }

    /** Every path of the store with its size, and the tags file: what a failed load must not change. */
    static String listing(Path store) throws Exception {
        StringBuilder b = new StringBuilder();
        try (Stream<Path> s = Files.walk(store)) {
            for (Path p : s.sorted().toList()) {
                if (p.getFileName().toString().equals("store.lock")) continue;
                b.append(store.relativize(p)).append(' ').append(Files.isRegularFile(p) ? Files.size(p) : -1).append('\n');
            }
        }
        b.append(Files.readString(store.resolve("tags.json"), StandardCharsets.UTF_8));
        return b.toString();
    }

    /** A copy of the tar with one byte in the middle of {@code name} changed, its size and header as they were. */
    static void flipAByteOf(Path in, Path out, String name) throws Exception {
        boolean found = false;
        try (TarArchiveInputStream tin = new TarArchiveInputStream(Files.newInputStream(in));
             TarArchiveOutputStream tout = new TarArchiveOutputStream(Files.newOutputStream(out))) {
            for (TarArchiveEntry e; (e = tin.getNextEntry()) != null; ) {
                byte[] data = tin.readAllBytes();
                if (e.getName().equals(name)) {
                    data[data.length / 2] ^= 0x20;
                    found = true;
                }
                tout.putArchiveEntry(e);
                tout.write(data);
                tout.closeArchiveEntry();
            }
        }
        assertTrue(found, name + " not in " + in);
    }
}
