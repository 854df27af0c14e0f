package dev.jfs.runtime;

import dev.jfs.image.ContainerConfig;
import java.util.List;

/**
 * What an image's config says about the process to run (the part of the OCI image config's
 * {@code config} that a runtime uses). Null or empty fields mean the image says nothing.
 */
public record ImageSettings(List<String> entrypoint, List<String> cmd, List<String> env, String workingDir,
                            String user) {
    public static final ImageSettings NONE = new ImageSettings(List.of(), List.of(), List.of(), null, null);

    /** What an image config's {@code config} says (null: nothing). */
    public static ImageSettings of(ContainerConfig c) {
        if (c == null) return NONE;
        return new ImageSettings(c.entrypoint, c.cmd, c.env, c.workingDir, c.user);
    }

    public ImageSettings {
        entrypoint = entrypoint == null ? List.of() : List.copyOf(entrypoint);
        cmd = cmd == null ? List.of() : List.copyOf(cmd);
        env = env == null ? List.of() : List.copyOf(env);
    }
}
