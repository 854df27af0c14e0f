package dev.jfs.nativetest.registry;

import static dev.jfs.nativetest.registry.RegistryFixture.assertOneLineError;
import static dev.jfs.nativetest.registry.RegistryFixture.assertSameTree;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jfs.nativetest.CliProcess;
import dev.jfs.nativetest.kernel.Tree;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * jfs pull from Docker Distribution of an image umoci made and skopeo pushed: by tag and by
 * digest it gives umoci's tree and the config's exact bytes; a second pull fetches no blob; a
 * registry serving a wrong blob fails the pull and leaves the store as it was.
 */
class RegistryPullTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    /**
     * A two-layer image by umoci (the second deletes a file and adds one), with a config that
     * sets Cmd, Env, WorkingDir, User and a label, pushed by skopeo to {@code ref}. Returns the
     * tree umoci unpacks from it.
     */
    static Map<String, String> umociImage(Path tmp, String name, String ref) throws Exception {
        Path layout = tmp.resolve(name + "-layout");
        Path bundle = tmp.resolve(name + "-bundle");
        String img = layout + ":img";
        CliProcess.sh("umoci init --layout " + layout + " && umoci new --image " + img
                + " && umoci unpack --image " + img + " " + bundle);
        Path r = bundle.resolve("rootfs");
        CliProcess.sh("mkdir -p " + r + "/etc " + r + "/data " + r + "/usr/bin"
                + " && echo hi > " + r + "/etc/hi && echo gone > " + r + "/etc/gone && ln -s hi " + r + "/etc/hi.link"
                + " && head -c 1500000 /dev/urandom > " + r + "/data/blob && chown 1000:1000 " + r + "/data/blob"
                + " && echo '#!/bin/sh' > " + r + "/usr/bin/run && chmod 4755 " + r + "/usr/bin/run"
                + " && umoci repack --image " + img + " " + bundle + " && rm -rf " + bundle
                + " && umoci unpack --image " + img + " " + bundle + " && rm " + r + "/etc/gone"
                + " && echo two > " + r + "/etc/two && umoci repack --image " + img + " " + bundle
                + " && umoci config --image " + img + " --config.cmd /usr/bin/run --config.cmd -x --config.env A=1"
                + " --config.workingdir /data --config.user 1000 --config.label org.jfs.test=yes"
                + " && skopeo copy --quiet --dest-tls-verify=false oci:" + img + " docker://" + ref);
        Path expected = tmp.resolve(name + "-expected");
        CliProcess.sh("umoci unpack --image " + img + " " + expected);
        return RegistryFixture.withoutRoot(Tree.snapshot(expected.resolve("rootfs")));
    }

    @Test
    void pullByTagAndByDigestGivesUmocisImage() throws Exception {
        try (RegistryServer reg = RegistryServer.start(tmp.resolve("registry"))) {
            String ref = reg.host() + "/umoci/img:v1";
            Map<String, String> expected = umociImage(tmp, "u", ref);
            JsonNode skopeo = JSON.readTree(CliProcess.sh("skopeo inspect --tls-verify=false docker://" + ref));
            String digest = skopeo.path("Digest").asText();
            String configDigest = new RegistryFixture(tmp, "probe").configDigestViaSkopeo(ref, "false");

            RegistryFixture f = new RegistryFixture(tmp, "store");
            String id = f.ok("pull", ref);
            assertEquals(configDigest, id, "the image id is the digest of the config's exact bytes");
            JsonNode image = JSON.readTree(f.ok("image", "inspect", ref)).get(0);
            assertEquals(digest, image.path("digest").asText());
            JsonNode config = image.path("config").path("config");
            assertEquals("[\"/usr/bin/run\",\"-x\"]", config.path("Cmd").toString());
            assertEquals("/data", config.path("WorkingDir").asText());
            assertEquals("1000", config.path("User").asText());
            assertEquals("yes", config.path("Labels").path("org.jfs.test").asText());
            assertTrue(config.path("Env").toString().contains("A=1"), config.toString());
            assertSameTree(expected, f.treeOf(ref));

            long blobGets = reg.count(r -> r.startsWith("GET ") && r.contains("/blobs/"));
            assertEquals(id, f.ok("pull", ref));
            assertEquals(blobGets, reg.count(r -> r.startsWith("GET ") && r.contains("/blobs/")),
                    "a second pull fetches no blob: " + reg.requests());

            RegistryFixture byDigest = f.otherStore("store-by-digest");
            String digestRef = reg.host() + "/umoci/img@" + digest;
            assertEquals(id, byDigest.ok("pull", digestRef));
            assertSameTree(expected, byDigest.treeOf(digestRef));
        }
    }

    @Test
    void aWrongBlobFailsThePullAndStoresNothing() throws Exception {
        try (RegistryServer reg = RegistryServer.start(tmp.resolve("registry"))) {
            String ref = reg.host() + "/umoci/bad:v1";
            umociImage(tmp, "bad", ref);
            JsonNode skopeo = JSON.readTree(CliProcess.sh("skopeo inspect --tls-verify=false docker://" + ref));
            String layer = skopeo.path("Layers").get(0).asText();
            Path data = reg.blobData(layer);
            try (RandomAccessFile raf = new RandomAccessFile(data.toFile(), "rw")) {
                raf.seek(raf.length() / 2);
                int b = raf.read();
                raf.seek(raf.length() / 2);
                raf.write(b ^ 0xff); // same size, one byte different
            }
            RegistryFixture f = new RegistryFixture(tmp, "store");
            assertOneLineError(f.jfs("pull", ref), ref, layer, "refused");
            assertEquals(List.of(), filesIn(f.root), "the failed pull left nothing in the store");
        }
    }

    @Test
    void noSuchImageOrRegistryIsOneLine() throws Exception {
        try (RegistryServer reg = RegistryServer.start(tmp.resolve("registry"))) {
            RegistryFixture f = new RegistryFixture(tmp, "store");
            assertOneLineError(f.jfs("pull", reg.host() + "/nothing/here:v1"), reg.host() + "/nothing/here:v1", "no such");
            String closed = "127.0.0.1:" + freePortNobodyListensOn();
            assertOneLineError(f.jfs("pull", closed + "/a/b:c"), closed + "/a/b:c", "no such registry", "refused");
            assertOneLineError(f.jfs("pull", "not a ref"), "not an image reference");
        }
    }

    private static int freePortNobodyListensOn() throws IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    /** Regular files under the store, but its lock files (made by any command). */
    static List<String> filesIn(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).map(p -> root.relativize(p).toString())
                    .filter(p -> !p.endsWith(".lock")).sorted().toList();
        }
    }
}
