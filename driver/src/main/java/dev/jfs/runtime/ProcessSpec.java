package dev.jfs.runtime;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.jfs.UserError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The process a container runs, everything decided but the user's ids (those come from the
 * container's own /etc/passwd and /etc/group when it starts: {@link UserResolver}). {@code jfs run}
 * keeps it with the container, so that {@code jfs start} runs the same again.
 *
 * @param args     argv: Entrypoint + Cmd as overridden
 * @param env      K=V, the image's with the overrides applied, PATH always set
 * @param cwd      absolute working directory (made if missing)
 * @param user     USER[:GROUP] as given (name or number; empty: root)
 * @param tty      a terminal for the process
 * @param hostname the container's hostname
 * @param mounts   bind mounts
 */
public record ProcessSpec(List<String> args, List<String> env, String cwd, String user, boolean tty,
                          String hostname, List<BindMount> mounts) {
    /** Docker's PATH for an image that sets none. */
    public static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    public ProcessSpec {
        args = List.copyOf(args);
        env = List.copyOf(env);
        mounts = mounts == null ? List.of() : List.copyOf(mounts);
        if (args.isEmpty()) throw new UserError("no command: give one, or use an image with an Entrypoint or Cmd");
        if (cwd == null || cwd.isEmpty()) cwd = "/";
        if (!cwd.startsWith("/")) throw new UserError("working directory " + cwd + ": not an absolute path");
        if (user == null) user = "";
    }

    /** The process for an image's settings and the options of {@code jfs run}, as docker composes them. */
    public static ProcessSpec compose(ImageSettings image, RunOptions run, String containerName) {
        List<String> args = new ArrayList<>();
        if (run.entrypoint() != null) {
            if (!run.entrypoint().isEmpty()) args.add(run.entrypoint());
            args.addAll(run.command()); // an entrypoint given drops the image's Cmd, as docker does
        } else {
            args.addAll(image.entrypoint());
            args.addAll(run.command().isEmpty() ? image.cmd() : run.command());
        }
        Map<String, String> env = new LinkedHashMap<>();
        for (String e : image.env()) put(env, e);
        for (String e : run.env()) {
            if (e.indexOf('=') > 0) {
                put(env, e);
            } else if (!e.isEmpty() && System.getenv(e) != null) {
                env.put(e, System.getenv(e));
            } else if (e.isEmpty() || e.startsWith("=")) {
                throw new UserError("-e '" + e + "': use K=V");
            }
        }
        env.putIfAbsent("PATH", DEFAULT_PATH);
        String hostname = run.hostname() != null ? run.hostname() : defaultHostname(containerName);
        env.putIfAbsent("HOSTNAME", hostname);
        if (run.tty()) env.putIfAbsent("TERM", "xterm");
        List<String> envList = new ArrayList<>();
        env.forEach((k, v) -> envList.add(k + "=" + v));
        String cwd = run.workingDir() != null ? run.workingDir() : image.workingDir();
        String user = run.user() != null ? run.user() : image.user();
        return new ProcessSpec(args, envList, cwd, user, run.tty(), hostname, run.mounts());
    }

    private static void put(Map<String, String> env, String kv) {
        int eq = kv.indexOf('=');
        if (eq <= 0) return;
        env.put(kv.substring(0, eq), kv.substring(eq + 1));
    }

    private static String defaultHostname(String name) {
        return name.length() > 63 ? name.substring(0, 63) : name;
    }

    /** The value of an environment variable of the process, or null. */
    public String getenv(String key) {
        for (String e : env) if (e.startsWith(key + "=")) return e.substring(key.length() + 1);
        return null;
    }

    public ProcessSpec withEnv(List<String> newEnv) {
        return new ProcessSpec(args, newEnv, cwd, user, tty, hostname, mounts);
    }

    public ProcessSpec withTty(boolean on) {
        return new ProcessSpec(args, env, cwd, user, on, hostname, mounts);
    }

    /** Writes this spec durably enough for a settings file: a scratch file renamed into place. */
    public void save(Path file) {
        try {
            Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
            JSON.writeValue(tmp.toFile(), this);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UserError(file + ": cannot write the container's run settings (" + e.getMessage() + ")", e);
        }
    }

    public static ProcessSpec load(Path file) {
        try {
            return JSON.readValue(file.toFile(), ProcessSpec.class);
        } catch (IOException e) {
            throw new UserError(file + ": unreadable run settings (" + e.getMessage() + ")", e);
        }
    }
}
