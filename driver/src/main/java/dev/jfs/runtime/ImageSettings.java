package dev.jfs.runtime;

import java.util.List;

/**
 * What an image's config says about the process to run (the part of the OCI image config's
 * {@code config} that a runtime uses). Null or empty fields mean the image says nothing.
 */
public record ImageSettings(List<String> entrypoint, List<String> cmd, List<String> env, String workingDir,
                            String user) {
    public static final ImageSettings NONE = new ImageSettings(List.of(), List.of(), List.of(), null, null);

    public ImageSettings {
        entrypoint = entrypoint == null ? List.of() : List.copyOf(entrypoint);
        cmd = cmd == null ? List.of() : List.copyOf(cmd);
        env = env == null ? List.of() : List.copyOf(env);
    }
}
