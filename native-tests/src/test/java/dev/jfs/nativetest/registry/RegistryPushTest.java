package dev.jfs.nativetest.registry;

import static dev.jfs.nativetest.registry.RegistryFixture.assertSameTree;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jfs.nativetest.CliProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * jfs push to Docker Distribution, read back by skopeo and umoci: the image's manifest digest,
 * config and files survive; a second push uploads nothing; a push to another repository of the
 * same registry mounts the blobs; large blobs go in PATCH chunks.
 */
class RegistryPushTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    /** A two-layer image made by jfs: an imported rootfs, then a container's changes committed on it. */
    static String makeImage(RegistryFixture f, Path tmp, String name) throws Exception {
        Path rootfs = tmp.resolve("rootfs");
        Files.createDirectories(rootfs.resolve("etc"));
        Files.createDirectories(rootfs.resolve("usr/bin"));
        Files.writeString(rootfs.resolve("etc/motd"), "hello from jfs\n");
        Files.writeString(rootfs.resolve("etc/gone"), "deleted in the second layer\n");
        Files.write(rootfs.resolve("usr/bin/tool"), new byte[300_000]);
        CliProcess.sh("chmod 755 " + rootfs.resolve("usr/bin/tool") + " && ln -s ../etc/motd " + rootfs.resolve("usr/motd")
                + " && ln " + rootfs.resolve("etc/motd") + " " + rootfs.resolve("etc/motd.link")
                + " && chown 1000:1000 " + rootfs.resolve("etc/gone")
                + " && head -c 2000000 /dev/urandom > " + rootfs.resolve("usr/bin/random"));
        Path tar = tmp.resolve("rootfs.tar");
        CliProcess.sh("tar -C " + rootfs + " --numeric-owner -cf " + tar + " .");
        f.ok("import", tar.toString(), name + ":base", "-c", "CMD [\"/usr/bin/tool\"]", "-c", "ENV A=1");
        String c = "mk" + Long.toHexString(System.nanoTime());
        f.ok("create", "--name", c, name + ":base");
        Path mnt = tmp.resolve("mnt-" + c);
        Files.createDirectories(mnt);
        f.ok("mount", c, mnt.toString());
        try {
            Files.writeString(mnt.resolve("etc/added"), "second layer\n");
            Files.delete(mnt.resolve("etc/gone"));
        } finally {
            f.ok("umount", mnt.toString());
        }
        f.ok("commit", c, name + ":v1", "-m", "two", "-c", "WORKDIR /etc");
        f.ok("rm", c);
        return name + ":v1";
    }

    @Test
    void pushedImageReadsBackThroughSkopeoAndUmoci() throws Exception {
        try (RegistryServer reg = RegistryServer.start(tmp.resolve("registry"))) {
            RegistryFixture f = new RegistryFixture(tmp, "store");
            String image = makeImage(f, tmp, "local/app");
            JsonNode inspect = JSON.readTree(f.ok("image", "inspect", image));
            JsonNode info = inspect.isArray() ? inspect.get(0) : inspect;
            String ref = reg.host() + "/jfs/app:v1";

            String digest = f.ok("push", image, ref);
            assertEquals(info.path("digest").asText(), digest, "push prints the image's manifest digest");
            JsonNode skopeo = JSON.readTree(CliProcess.sh("skopeo inspect --tls-verify=false docker://" + ref));
            assertEquals(digest, skopeo.path("Digest").asText());
            assertEquals(2, skopeo.path("Layers").size());
            String id = info.path("id").asText();
            assertEquals(id, f.configDigestViaSkopeo(ref, "false"), "the config's bytes are the image's");

            Map<String, String> jfsTree = f.treeOf(image);
            assertTrue(jfsTree.containsKey("/etc/added") && !jfsTree.containsKey("/etc/gone"), jfsTree.toString());
            assertSameTree(jfsTree, f.treeViaSkopeoAndUmoci(ref, "false"));

            long uploadsBefore = reg.count(r -> r.contains("/blobs/uploads/"));
            assertTrue(uploadsBefore >= 3, "three blobs were uploaded: " + reg.requests());
            assertEquals(digest, f.ok("push", image, ref));
            assertEquals(uploadsBefore, reg.count(r -> r.contains("/blobs/uploads/")), "a second push uploads nothing");

            String other = reg.host() + "/jfs/other:v1";
            long putsBefore = reg.count(r -> r.startsWith("PUT ") && r.contains("/blobs/uploads/"));
            assertEquals(digest, f.ok("push", image, other));
            assertEquals(3, reg.count(r -> r.startsWith("POST /v2/jfs/other/blobs/uploads/?mount=") && r.endsWith(" 201")),
                    "each blob is mounted from jfs/app: " + reg.requests());
            assertEquals(putsBefore, reg.count(r -> r.startsWith("PUT ") && r.contains("/blobs/uploads/")),
                    "no blob is uploaded to jfs/other");
            assertEquals(digest, JSON.readTree(CliProcess.sh("skopeo inspect --tls-verify=false docker://" + other)).path("Digest").asText());
        }
    }

    @Test
    void largeBlobsGoInChunks() throws Exception {
        try (RegistryServer reg = RegistryServer.start(tmp.resolve("registry"))) {
            RegistryFixture f = new RegistryFixture(tmp, "store");
            String image = makeImage(f, tmp, "local/chunky");
            String ref = reg.host() + "/jfs/chunky:v1";
            String digest = f.ok("push", "--chunk-size", "500000", image, ref);
            assertTrue(reg.count(r -> r.startsWith("PATCH /v2/jfs/chunky/blobs/uploads/") && r.endsWith(" 202")) >= 3,
                    "the 2 MB layer goes in chunks of 500 kB: " + reg.requests());
            assertEquals(digest, JSON.readTree(CliProcess.sh("skopeo inspect --tls-verify=false docker://" + ref)).path("Digest").asText());
            assertSameTree(f.treeOf(image), f.treeViaSkopeoAndUmoci(ref, "false"));
        }
    }
}
