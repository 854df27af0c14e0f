package dev.jfs.nativetest.registry;

import static dev.jfs.nativetest.registry.RegistryFixture.assertOneLineError;
import static dev.jfs.nativetest.registry.RegistryFixture.assertSameTree;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jfs.nativetest.CliProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Docker Distribution with htpasswd Basic authentication, plain and over TLS with a self-signed
 * certificate: login keeps credentials where skopeo finds them, wrong or missing credentials are
 * one line, --creds wins over auth.json, Docker's config.json is read; TLS needs --tls-verify=false.
 */
class RegistryAuthTlsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void basicAuthWithLoginCredsAndDockerConfig() throws Exception {
        try (RegistryServer reg = RegistryServer.start(tmp.resolve("registry"), false, "alice", "s3cret")) {
            RegistryFixture f = new RegistryFixture(tmp, "store");
            String image = RegistryPushTest.makeImage(f, tmp, "local/auth");
            String ref = reg.host() + "/private/app:v1";

            assertOneLineError(f.jfs("push", image, ref), ref, "requires credentials", "jfs login " + reg.host());
            assertOneLineError(f.jfsWithInput("wrong\n", "login", "-u", "alice", "--password-stdin", reg.host()),
                    "login", reg.host(), "refused the credentials of user alice");
            assertFalse(Files.exists(f.authFile()), "refused credentials are not kept");

            Assertions.assertLoginOk(f.jfsWithInput("s3cret\n", "login", "-u", "alice", "--password-stdin", reg.host()));
            String auth = JSON.readTree(f.authFile().toFile()).path("auths").path(reg.host()).path("auth").asText();
            assertEquals("alice:s3cret", new String(Base64.getDecoder().decode(auth), StandardCharsets.UTF_8));

            String digest = f.ok("push", image, ref);
            JsonNode skopeo = JSON.readTree(CliProcess.sh("skopeo inspect --authfile " + f.authFile()
                    + " --tls-verify=false docker://" + ref));
            assertEquals(digest, skopeo.path("Digest").asText(), "skopeo reads jfs's auth.json");

            RegistryFixture other = f.otherStore("store2");
            assertOneLineError(other.jfs("pull", "--creds", "alice:wrong", ref), ref, "refused the credentials of user alice");
            other.ok("pull", ref);
            assertSameTree(f.treeOf(image), other.treeOf(ref));

            other.ok("logout", reg.host());
            assertTrue(JSON.readTree(f.authFile().toFile()).path("auths").path(reg.host()).isMissingNode());
            assertOneLineError(other.jfs("logout", reg.host()), "not logged in to " + reg.host());
            assertOneLineError(other.jfs("pull", ref), ref, "requires credentials");

            Path docker = tmp.resolve("home/.docker/config.json");
            Files.createDirectories(docker.getParent());
            Files.writeString(docker, "{\"auths\":{\"" + reg.host() + "\":{\"auth\":\""
                    + Base64.getEncoder().encodeToString("alice:s3cret".getBytes(StandardCharsets.UTF_8)) + "\"}}}");
            other.ok("pull", ref);
            other.ok("pull", "--creds", "alice:s3cret", reg.host() + "/private/app@" + digest);
        }
    }

    @Test
    void tlsWithASelfSignedCertificate() throws Exception {
        try (RegistryServer reg = RegistryServer.start(tmp.resolve("registry"), true, "bob", "pw")) {
            RegistryFixture f = new RegistryFixture(tmp, "store");
            String image = RegistryPushTest.makeImage(f, tmp, "local/tls");
            String ref = reg.host() + "/secure/app:v1";

            assertOneLineError(f.jfs("push", "--creds", "bob:pw", image, ref), ref, "certificate", "not trusted");
            String digest = f.ok("push", "--tls-verify=false", "--creds", "bob:pw", image, ref);
            JsonNode skopeo = JSON.readTree(CliProcess.sh("skopeo inspect --creds bob:pw --tls-verify=false docker://" + ref));
            assertEquals(digest, skopeo.path("Digest").asText());

            RegistryFixture other = f.otherStore("store2");
            assertOneLineError(other.jfs("pull", "--creds", "bob:pw", ref), ref, "certificate");
            Assertions.assertLoginOk(other.jfsWithInput("pw\n", "login", "--tls-verify=false", "-u", "bob",
                    "--password-stdin", reg.host()));
            other.ok("pull", "--tls-verify=false", ref);
            assertSameTree(f.treeOf(image), other.treeOf(ref));
        }
    }

    private static final class Assertions {
        static void assertLoginOk(CliProcess.Result r) {
            assertEquals(0, r.exit(), r.toString());
            assertEquals("Login Succeeded!", r.out().trim());
        }
    }
}
