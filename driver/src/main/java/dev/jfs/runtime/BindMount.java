package dev.jfs.runtime;

import dev.jfs.UserError;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A host path bound into the container: {@code -v HOST:PATH[:ro]}, or a directory a builder lends
 * a RUN step (a cache). Its mount point is made in the init layer, never in the container's changes.
 *
 * @param source      the host file or directory, absolute
 * @param destination the path inside the container, absolute
 * @param readOnly    mounted read-only
 */
public record BindMount(String source, String destination, boolean readOnly) {
    public BindMount {
        if (!source.startsWith("/")) throw new UserError("volume source " + source + ": not an absolute path");
        if (!destination.startsWith("/")) {
            throw new UserError("volume destination " + destination + ": not an absolute path");
        }
    }

    /** {@code HOST:PATH[:ro|rw]}; HOST relative to the working directory is made absolute, and must exist. */
    public static BindMount parse(String spec) {
        String[] parts = spec.split(":", -1);
        if (parts.length < 2 || parts.length > 3 || parts[0].isEmpty() || parts[1].isEmpty()) {
            throw new UserError("-v " + spec + ": use HOST:PATH or HOST:PATH:ro");
        }
        boolean ro = false;
        if (parts.length == 3) {
            switch (parts[2]) {
                case "ro" -> ro = true;
                case "rw" -> ro = false;
                default -> throw new UserError("-v " + spec + ": unknown mode '" + parts[2] + "' (ro or rw)");
            }
        }
        Path host = Path.of(parts[0]).toAbsolutePath().normalize();
        if (!Files.exists(host)) throw new UserError("-v " + spec + ": " + host + ": no such file or directory");
        return new BindMount(host.toString(), parts[1], ro);
    }

    boolean sourceIsDirectory() {
        return Files.isDirectory(Path.of(source));
    }
}
