package dev.jfs.transfer.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jfs.UserError;
import dev.jfs.image.OciJson;
import dev.jfs.posix.Posix;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Registry credentials in the {@code auth.json} format podman, skopeo and buildah share:
 * {@code {"auths": {"HOST[:PORT]": {"auth": base64("USER:PASS")}}}}. Docker's config.json has the
 * same {@code auths} object. Fields jfs does not know (credHelpers, other tools' settings) are
 * kept as they are when jfs writes the file.
 */
public final class AuthFile {
    private final Path path;

    private AuthFile(Path path) {
        this.path = path;
    }

    public Path path() {
        return path;
    }

    /**
     * The file {@code jfs login} writes: {@code $REGISTRY_AUTH_FILE} if set (as podman honours it),
     * else {@code $XDG_RUNTIME_DIR/containers/auth.json}, else podman's fallback for the user
     * ({@code /run/containers/0} for root, {@code /run/user/UID} for others).
     */
    public static AuthFile forLogin(Map<String, String> env) {
        String explicit = env.get("REGISTRY_AUTH_FILE");
        if (explicit != null && !explicit.isEmpty()) return new AuthFile(Path.of(explicit));
        String runtime = env.get("XDG_RUNTIME_DIR");
        if (runtime == null || runtime.isEmpty()) {
            int uid = Posix.geteuid();
            runtime = uid == 0 ? "/run/containers/0" : "/run/user/" + uid;
            return new AuthFile(Path.of(runtime, "auth.json"));
        }
        return new AuthFile(Path.of(runtime, "containers", "auth.json"));
    }

    /** The files credentials are read from, first match wins: the login file, then Docker's. */
    public static List<AuthFile> forLookup(Map<String, String> env) {
        List<AuthFile> files = new ArrayList<>();
        files.add(forLogin(env));
        String home = env.getOrDefault("HOME", System.getProperty("user.home"));
        files.add(new AuthFile(Path.of(home, ".docker", "config.json")));
        return files;
    }

    /** The credentials for {@code host} in the first of {@code files} that has any, or null. */
    public static Credentials lookup(List<AuthFile> files, String host, String repository) {
        for (AuthFile f : files) {
            Credentials c = f.find(host, repository);
            if (c != null) return c;
        }
        return null;
    }

    /**
     * The credentials this file holds for a repository: the most specific key wins
     * ({@code HOST/REPO}, its parents, then {@code HOST}), keys compared without a scheme
     * ({@code https://HOST/v1/} is how Docker writes some). Null when none.
     */
    public Credentials find(String host, String repository) {
        JsonNode auths = read().path("auths");
        if (!auths.isObject()) return null;
        List<String> wanted = new ArrayList<>();
        for (String r = host + "/" + repository; r.contains("/"); r = r.substring(0, r.lastIndexOf('/'))) wanted.add(r);
        wanted.add(host);
        for (String key : wanted) {
            for (Iterator<Map.Entry<String, JsonNode>> it = auths.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!normalise(e.getKey()).equals(key)) continue;
                Credentials c = credentialsOf(e.getValue());
                if (c != null) return c;
            }
        }
        return null;
    }

    private static Credentials credentialsOf(JsonNode entry) {
        String auth = entry.path("auth").asText("");
        if (!auth.isEmpty()) return Credentials.fromBasic(auth);
        String user = entry.path("username").asText("");
        return user.isEmpty() ? null : new Credentials(user, entry.path("password").asText(""));
    }

    /** A key as Docker or podman spell it, without {@code https://} and a trailing path of Docker's. */
    static String normalise(String key) {
        String k = key.replaceFirst("^[A-Za-z]+://", "");
        if (!key.equals(k)) {
            int slash = k.indexOf('/');
            if (slash >= 0) k = k.substring(0, slash);
        }
        return k.endsWith("/") ? k.substring(0, k.length() - 1) : k;
    }

    /** Stores credentials for {@code host}, keeping everything else in the file. */
    public void store(String host, Credentials creds) {
        ObjectNode root = read();
        JsonNode auths = root.path("auths");
        ObjectNode a = auths.isObject() ? (ObjectNode) auths : root.putObject("auths");
        a.putObject(host).put("auth", creds.basic());
        write(root);
    }

    /** Removes {@code host}'s credentials; false if the file had none for it. */
    public boolean remove(String host) {
        ObjectNode root = read();
        JsonNode auths = root.path("auths");
        if (!auths.isObject() || ((ObjectNode) auths).remove(host) == null) return false;
        write(root);
        return true;
    }

    private ObjectNode read() {
        try {
            JsonNode n = OciJson.mapper().readTree(Files.readAllBytes(path));
            if (n == null || n.isMissingNode()) return OciJson.mapper().createObjectNode();
            if (!n.isObject()) throw new UserError(path + ": not a JSON object, not an auth file");
            return (ObjectNode) n;
        } catch (NoSuchFileException e) {
            return OciJson.mapper().createObjectNode();
        } catch (IOException e) {
            throw new UserError(path + ": cannot read it as an auth file (" + e.getMessage() + ")", e);
        }
    }

    /** Written to a new file with mode 0600, then renamed over the old: never half a file. */
    private void write(ObjectNode root) {
        try {
            Path dir = path.toAbsolutePath().getParent();
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
            Path tmp = Files.createTempFile(dir, ".auth", ".json.tmp");
            try {
                Files.write(tmp, OciJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
                Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UserError(path + ": cannot write it (" + e.getMessage() + ")", e);
        }
    }
}
