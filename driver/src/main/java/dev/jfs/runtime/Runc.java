package dev.jfs.runtime;

import dev.jfs.UserError;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The OCI runtime jfs runs containers with: runc (crun 1.8 fails on hybrid cgroup hosts). Its
 * state lives in the store ({@code ROOT/runc}), not /run/runc, so stores never see each other's
 * containers; a container's runc id is its name plus a digest of the store's root, so two stores
 * running containers of the same name at once get different ids and cgroups.
 */
public final class Runc {
    /** Where to look when PATH has no runc (root's sbin directories are often not on a user's PATH). */
    private static final List<String> SEARCH = List.of("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin",
            "/sbin", "/bin");

    private final Path binary;
    private final Path stateRoot;

    private Runc(Path binary, Path stateRoot) {
        this.binary = binary;
        this.stateRoot = stateRoot;
    }

    /** runc from $JFS_RUNTIME, else PATH, else the usual sbin directories; its state under {@code storeRoot}. */
    public static Runc find(Path storeRoot) {
        return new Runc(binary(), storeRoot.resolve("runc"));
    }

    static Path binary() {
        String forced = System.getenv("JFS_RUNTIME");
        if (forced != null && !forced.isEmpty()) {
            Path p = Path.of(forced);
            if (!Files.isExecutable(p)) throw new UserError("JFS_RUNTIME=" + forced + ": not an executable file");
            return p;
        }
        List<String> dirs = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) dirs.addAll(List.of(path.split(":")));
        dirs.addAll(SEARCH);
        for (String d : dirs) {
            if (d.isEmpty()) continue;
            Path p = Path.of(d, "runc");
            if (Files.isRegularFile(p) && Files.isExecutable(p)) return p;
        }
        throw new UserError("no container runtime: runc is not installed (apt-get install runc), or set JFS_RUNTIME");
    }

    /** The runc id of a container of the store. */
    String id(String container) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(stateRoot.toString().getBytes(StandardCharsets.UTF_8));
            return container + "-" + HexFormat.of().formatHex(d, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code runc run} of the bundle, in the foreground (runc forwards the signals it gets to the container). */
    List<String> runCommand(Path bundle, String id) {
        List<String> cmd = new ArrayList<>(List.of(binary.toString(), "--root", stateRoot.toString(), "run",
                "--bundle", bundle.toString()));
        cmd.add(id);
        return cmd;
    }

    /** SIGKILL to the container's PID 1 (the whole container goes with its PID namespace). */
    void kill(String id) {
        runQuietly(List.of(binary.toString(), "--root", stateRoot.toString(), "kill", id, "KILL"));
    }

    /**
     * Removes what a runc killed with its container left in the state dir (a second run of the
     * id would fail "container with given ID already exists").
     */
    void deleteStale(String id) {
        if (!Files.exists(stateRoot.resolve(id))) return;
        runQuietly(List.of(binary.toString(), "--root", stateRoot.toString(), "delete", "--force", id));
    }

    private void runQuietly(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(30, TimeUnit.SECONDS)) p.destroyForcibly();
        } catch (IOException e) {
            throw new UserError(binary + ": cannot run (" + e.getMessage() + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
