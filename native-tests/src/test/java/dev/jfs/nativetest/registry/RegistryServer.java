package dev.jfs.nativetest.registry;

import dev.jfs.nativetest.CliProcess;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Docker Distribution ({@code /usr/bin/docker-registry serve CONFIG}) on 127.0.0.1 and a free port,
 * its storage and config in a temp dir, its access log (one line per request, on its stdout) in a
 * file the tests count requests in. Optionally TLS with a self-signed certificate made here by
 * openssl, and htpasswd Basic authentication (bcrypt by {@code htpasswd -B}).
 */
final class RegistryServer implements AutoCloseable {
    static final String REGISTRY = "/usr/bin/docker-registry";
    private final Path dir;
    private final int port;
    private final Process process;
    private final Path accessLog;

    private RegistryServer(Path dir, int port, Process process, Path accessLog) {
        this.dir = dir;
        this.port = port;
        this.process = process;
        this.accessLog = accessLog;
    }

    /** A plain http registry. */
    static RegistryServer start(Path dir) throws Exception {
        return start(dir, false, null, null);
    }

    /**
     * @param tls  serve https with a self-signed certificate for 127.0.0.1
     * @param user with {@code password}: the one user htpasswd authentication accepts (null: no auth)
     */
    static RegistryServer start(Path dir, boolean tls, String user, String password) throws Exception {
        require(REGISTRY);
        Files.createDirectories(dir);
        String tlsBlock = "";
        if (tls) {
            require("/usr/bin/openssl");
            CliProcess.sh("openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1"
                    + " -addext subjectAltName=IP:127.0.0.1 -keyout '" + dir + "/key.pem' -out '" + dir + "/cert.pem' 2>/dev/null");
            tlsBlock = "  tls:\n    certificate: " + dir.resolve("cert.pem") + "\n    key: " + dir.resolve("key.pem");
        }
        String authBlock = "";
        if (user != null) {
            require("/usr/bin/htpasswd");
            Files.writeString(dir.resolve("htpasswd"), CliProcess.sh("htpasswd -Bbn '" + user + "' '" + password + "'"));
            authBlock = "auth:\n  htpasswd:\n    realm: jfs-test\n    path: " + dir.resolve("htpasswd");
        }
        String template;
        try (InputStream in = RegistryServer.class.getResourceAsStream("/registry/config.yml")) {
            template = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        for (int attempt = 0; ; attempt++) {
            int port = freePort();
            Path config = dir.resolve("config.yml");
            Files.writeString(config, template.replace("@STORAGE@", dir.resolve("storage").toString())
                    .replace("@PORT@", Integer.toString(port)).replace("@TLS@", tlsBlock).replace("@AUTH@", authBlock));
            Path log = dir.resolve("access.log");
            Process p = new ProcessBuilder(REGISTRY, "serve", config.toString())
                    .redirectOutput(log.toFile()).redirectError(dir.resolve("registry.err").toFile()).start();
            RegistryServer s = new RegistryServer(dir, port, p, log);
            if (s.awaitListening()) return s;
            s.close();
            if (attempt == 2) {
                throw new AssertionError("docker-registry did not start: " + Files.readString(dir.resolve("registry.err")));
            }
        }
    }

    private static void require(String tool) {
        if (!Files.isExecutable(Path.of(tool))) {
            throw new AssertionError(tool + " is missing: run scripts/install-deps (docker-registry, skopeo, umoci, apache2-utils, openssl)");
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    private boolean awaitListening() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) return false;
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return true;
            } catch (IOException e) {
                Thread.sleep(50);
            }
        }
        return false;
    }

    /** {@code 127.0.0.1:PORT}: the HOST[:PORT] of references to it. */
    String host() {
        return "127.0.0.1:" + port;
    }

    /** The registry's storage directory (blobs in docker/registry/v2/blobs/sha256/XX/HEX/data). */
    Path storage() {
        return dir.resolve("storage");
    }

    Path certificate() {
        return dir.resolve("cert.pem");
    }

    /** The blob file the registry serves for a digest. */
    Path blobData(String digest) {
        String hex = digest.substring("sha256:".length());
        return storage().resolve("docker/registry/v2/blobs/sha256").resolve(hex.substring(0, 2)).resolve(hex).resolve("data");
    }

    /** The access log's request lines so far ({@code "GET /v2/... HTTP/1.1" 200}). */
    List<String> requests() throws IOException {
        return Files.readAllLines(accessLog).stream().filter(l -> l.contains("\" ")).map(l -> {
            int q = l.indexOf('"');
            int end = l.indexOf('"', q + 1);
            String status = l.substring(end + 1).trim().split(" ")[0];
            return l.substring(q + 1, end) + " " + status;
        }).toList();
    }

    /** How many requests so far match: "METHOD PATH PROTO STATUS". */
    long count(Predicate<String> request) throws IOException {
        return requests().stream().filter(request).count();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
