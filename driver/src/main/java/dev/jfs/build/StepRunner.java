package dev.jfs.build;

import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;

/** Runs a RUN step's command in a build container, exactly as {@code jfs run} runs one. */
public interface StepRunner {
    /** A cache directory of the store bound at {@code target} for the step. */
    record CacheMount(Path hostDir, String target) {}

    /** The command's exit status. */
    int run(String container, List<String> argv, List<String> env, String cwd, String user,
            List<CacheMount> caches, OutputStream out, OutputStream err);
}
