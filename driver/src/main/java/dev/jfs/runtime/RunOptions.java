package dev.jfs.runtime;

import java.util.List;

/**
 * What {@code jfs run} was told on top of the image's settings.
 *
 * @param entrypoint {@code --entrypoint} (null: the image's; empty: none), as docker takes it: one
 *                   program, and the image's Cmd is dropped with it
 * @param command    COMMAND [ARG...] (empty: the image's Cmd)
 * @param env        {@code -e K=V} in order; a bare {@code K} takes this process's value, if any
 * @param workingDir {@code -w} (null: the image's)
 * @param user       {@code -u USER[:GROUP]} (null: the image's)
 * @param hostname   {@code --hostname} (null: the container's name)
 * @param tty        {@code -t}
 * @param mounts     {@code -v} bind mounts
 */
public record RunOptions(String entrypoint, List<String> command, List<String> env, String workingDir, String user,
                         String hostname, boolean tty, List<BindMount> mounts) {
    public RunOptions {
        command = command == null ? List.of() : List.copyOf(command);
        env = env == null ? List.of() : List.copyOf(env);
        mounts = mounts == null ? List.of() : List.copyOf(mounts);
    }
}
