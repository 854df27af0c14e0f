package dev.jfs.build;

import dev.jfs.runtime.BindMount;
import dev.jfs.runtime.CommandNotRunnable;
import dev.jfs.runtime.ContainerRun;
import dev.jfs.runtime.ProcessSpec;
import dev.jfs.runtime.Stdio;
import dev.jfs.store.Store;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** RUN through {@link ContainerRun}, as {@code jfs run} runs a command: runc on the container's jfs mount. */
public final class ContainerStepRunner implements StepRunner {
    private final Store store;

    public ContainerStepRunner(Store store) {
        this.store = store;
    }

    @Override
    public int run(String container, List<String> argv, List<String> env, String cwd, String user,
            List<CacheMount> caches, OutputStream out, OutputStream err) {
        List<BindMount> mounts = new ArrayList<>();
        for (CacheMount c : caches) mounts.add(new BindMount(c.hostDir().toString(), c.target(), false));
        ProcessSpec spec = new ProcessSpec(argv, env, cwd, user, false, "jfs-build", mounts);
        try {
            return ContainerRun.run(store, container, spec, Stdio.streams(null, out, err));
        } catch (CommandNotRunnable e) {
            // what a shell prints for a command it cannot start, then the status it gives
            PrintStream p = new PrintStream(err, true, StandardCharsets.UTF_8);
            p.println(e.getMessage());
            p.flush();
            return e.exitStatus();
        }
    }
}
