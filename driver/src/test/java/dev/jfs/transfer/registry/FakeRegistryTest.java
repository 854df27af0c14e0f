package dev.jfs.transfer.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.jfs.UserError;
import dev.jfs.archive.ExtractOptions;
import dev.jfs.image.Descriptor;
import dev.jfs.image.Digests;
import dev.jfs.image.ImageConfig;
import dev.jfs.image.ImageIndex;
import dev.jfs.image.Manifest;
import dev.jfs.image.MediaTypes;
import dev.jfs.image.OciJson;
import dev.jfs.store.Store;
import dev.jfs.store.TestTars;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client against a registry of our own making, for what Docker Distribution in the native
 * tests does not do: Bearer tokens from a token server, an image index with two platforms, blob
 * downloads redirected to a storage host (which must not see the registry's token).
 */
class FakeRegistryTest {
    private static final String TOKEN = "token-for-alice";

    @TempDir
    Path tmp;

    private HttpServer server;
    private HttpServer storageServer;
    private String host;
    private final Map<String, byte[]> blobs = new HashMap<>();
    private final Map<String, byte[]> manifests = new HashMap<>();
    private final Map<String, String> types = new HashMap<>();
    private final List<String> tokenRequests = Collections.synchronizedList(new ArrayList<>());
    private final List<String> storageAuthorizations = Collections.synchronizedList(new ArrayList<>());
    private String amd64Config;
    private String arm64Config;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        host = "127.0.0.1:" + server.getAddress().getPort();
        server.createContext("/token", this::token);
        server.createContext("/v2/", this::registry);
        server.start();
        storageServer = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        storageServer.createContext("/storage/", this::storage);
        storageServer.start();
        amd64Config = addImage("amd64", "hello amd64\n");
        arm64Config = addImage("arm64", "hello arm64\n");
        ImageIndex index = new ImageIndex();
        index.mediaType = MediaTypes.OCI_INDEX;
        index.manifests.add(platformEntry("amd64"));
        index.manifests.add(platformEntry("arm64"));
        putManifest("v1", OciJson.write(index), MediaTypes.OCI_INDEX);
    }

    @AfterEach
    void stop() {
        server.stop(0);
        storageServer.stop(0);
    }

    private Descriptor platformEntry(String arch) {
        byte[] m = manifests.get(arch);
        Descriptor d = new Descriptor(MediaTypes.OCI_MANIFEST, Digests.sha256(m), m.length);
        d.platform = Map.of("os", "linux", "architecture", arch);
        return d;
    }

    /** An image with one layer holding /hello; returns its config digest (the image id). */
    private String addImage(String arch, String hello) {
        byte[] tar = new TestTars().file("hello", hello).bytes();
        byte[] layer = TestTars.gzip(tar);
        ImageConfig config = new ImageConfig();
        config.os = "linux";
        config.architecture = arch;
        config.diffIds().add(Digests.sha256(tar));
        byte[] configBytes = OciJson.write(config);
        blobs.put(Digests.sha256(layer), layer);
        blobs.put(Digests.sha256(configBytes), configBytes);
        Manifest m = Manifest.oci(new Descriptor(MediaTypes.OCI_CONFIG, Digests.sha256(configBytes), configBytes.length),
                List.of(new Descriptor(MediaTypes.OCI_LAYER_GZIP, Digests.sha256(layer), layer.length)));
        byte[] mb = OciJson.write(m);
        putManifest(arch, mb, MediaTypes.OCI_MANIFEST);
        putManifest(Digests.sha256(mb), mb, MediaTypes.OCI_MANIFEST);
        return Digests.sha256(configBytes);
    }

    private void putManifest(String ref, byte[] bytes, String type) {
        manifests.put(ref, bytes);
        types.put(ref, type);
    }

    private void token(HttpExchange ex) throws IOException {
        tokenRequests.add(ex.getRequestURI().getRawQuery());
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        String alice = "Basic " + new Credentials("alice", "pw").basic();
        if (!alice.equals(auth)) {
            send(ex, 401, "{\"errors\":[{\"code\":\"UNAUTHORIZED\"}]}".getBytes(StandardCharsets.UTF_8), "application/json");
            return;
        }
        send(ex, 200, ("{\"token\":\"" + TOKEN + "\"}").getBytes(StandardCharsets.UTF_8), "application/json");
    }

    private void registry(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        if (!("Bearer " + TOKEN).equals(ex.getRequestHeaders().getFirst("Authorization"))) {
            String scope = path.equals("/v2/") ? "" : ",scope=\"repository:app:pull\"";
            ex.getResponseHeaders().add("WWW-Authenticate",
                    "Bearer realm=\"http://" + host + "/token\",service=\"fake\"" + scope);
            send(ex, 401, "{\"errors\":[{\"code\":\"UNAUTHORIZED\"}]}".getBytes(StandardCharsets.UTF_8), "application/json");
            return;
        }
        if (path.equals("/v2/")) {
            send(ex, 200, "{}".getBytes(StandardCharsets.UTF_8), "application/json");
        } else if (path.startsWith("/v2/app/manifests/")) {
            String ref = path.substring("/v2/app/manifests/".length());
            byte[] m = manifests.get(ref);
            if (m == null) send(ex, 404, "{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\"}]}".getBytes(StandardCharsets.UTF_8), "application/json");
            else send(ex, 200, m, types.get(ref));
        } else if (path.startsWith("/v2/app/blobs/")) {
            String digest = path.substring("/v2/app/blobs/".length());
            ex.getResponseHeaders().add("Location", "http://127.0.0.1:" + storageServer.getAddress().getPort() + "/storage/" + digest);
            send(ex, 307, new byte[0], "text/plain");
        } else {
            send(ex, 404, new byte[0], "text/plain");
        }
    }

    /** Where blobs are redirected to: a storage service on another port, which must not get the registry's token. */
    private void storage(HttpExchange ex) throws IOException {
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        if (auth != null) storageAuthorizations.add(auth);
        byte[] b = blobs.get(ex.getRequestURI().getPath().substring("/storage/".length()));
        if (b == null) send(ex, 404, new byte[0], "text/plain");
        else send(ex, 200, b, "application/octet-stream");
    }

    private static void send(HttpExchange ex, int status, byte[] body, String type) throws IOException {
        ex.getResponseHeaders().add("Content-Type", type);
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) ex.getResponseBody().write(body);
        ex.close();
    }

    private Store store() {
        return Store.open(tmp.resolve("store"), new ExtractOptions(false));
    }

    private RegistryOptions options(Credentials creds) {
        return new RegistryOptions(true, creds, Map.of("HOME", tmp.toString(), "XDG_RUNTIME_DIR", tmp.toString()),
                RegistryOptions.DEFAULT_CHUNK_SIZE);
    }

    @Test
    void bearerTokenIndexPlatformAndRedirectedBlobs() throws Exception {
        Store store = store();
        Puller puller = new Puller(store, options(new Credentials("alice", "pw")), TransferProgress.NONE);
        Puller.Result arm = puller.pull(ImageReference.parse(host + "/app:v1"), Platform.parse("linux/arm64"));
        assertEquals(arm64Config, arm.image().id());
        assertEquals("hello arm64\n", Files.readString(store.layerDir(arm.image().top()).resolve("hello")));
        assertEquals(1, arm.downloaded());

        Puller.Result amd = puller.pull(ImageReference.parse(host + "/app:v1"), Platform.DEFAULT);
        assertEquals(amd64Config, amd.image().id(), "the default is linux/amd64");
        assertTrue(tokenRequests.stream().anyMatch(q -> q.contains("service=fake") && q.contains("scope=repository%3Aapp%3Apull")),
                tokenRequests.toString());
        assertEquals(List.of(), storageAuthorizations, "the registry's token never goes to the storage host");

        UserError none = assertThrows(UserError.class,
                () -> puller.pull(ImageReference.parse(host + "/app:v1"), Platform.parse("linux/s390x")));
        assertTrue(none.getMessage().contains("no image for linux/s390x") && none.getMessage().contains("linux/arm64"),
                none.getMessage());
    }

    @Test
    void refusedCredentialsAtTheTokenServer() {
        Puller puller = new Puller(store(), options(new Credentials("alice", "wrong")), TransferProgress.NONE);
        UserError e = assertThrows(UserError.class,
                () -> puller.pull(ImageReference.parse(host + "/app:v1"), Platform.DEFAULT));
        assertEquals(host + "/app:v1: the registry refused the credentials of user alice", e.getMessage());
    }

    @Test
    void aBlobWithTheWrongBytesStoresNothing() throws Exception {
        String layer = blobs.keySet().stream().filter(d -> blobs.get(d)[0] == 0x1f).findFirst().orElseThrow();
        byte[] bad = blobs.get(layer).clone();
        bad[bad.length / 2] ^= 1;
        blobs.put(layer, bad);
        Store store = store();
        Puller puller = new Puller(store, options(new Credentials("alice", "pw")), TransferProgress.NONE);
        UserError e = assertThrows(UserError.class, () -> puller.pull(ImageReference.parse(host + "/app:v1"),
                Platform.parse("linux/" + (amd64Layer(layer) ? "amd64" : "arm64"))));
        assertTrue(e.getMessage().contains(layer) && e.getMessage().contains("refused"), e.getMessage());
        assertEquals(List.of(), store.images().list());
        assertEquals(List.of(), store.layers());
        try (var files = Files.walk(store.root().resolve("blobs"))) {
            assertEquals(Set.of(), Set.copyOf(files.filter(Files::isRegularFile).toList()));
        }
        assertNull(store.images().find(host + "/app:v1"));
    }

    private boolean amd64Layer(String digest) {
        return new String(manifests.get("amd64"), StandardCharsets.UTF_8).contains(digest);
    }
}
