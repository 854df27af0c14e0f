package dev.jfs.runtime;

import dev.jfs.UserError;
import dev.jfs.posix.Posix;
import dev.jfs.posix.Stat;
import dev.jfs.store.Store;
import dev.jfs.union.LayerStack;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a process in a container of the store, through runc, and returns its exit status: the
 * container's stack gets its init layer ({@link InitLayer}), is mounted by jfs in this process
 * ({@link ContainerMount}), the runtime bundle is written ({@link RuntimeBundle}) and
 * {@code runc run} runs it in the foreground; the root is unmounted when the process ends.
 * What the process changed stays in the container's upper, for diff, commit and the next start.
 *
 * <p>The entry point for {@code jfs run}, {@code jfs start} and a builder's RUN steps.
 */
public final class ContainerRun {
    /** The container's settings file: the last {@link ProcessSpec} run in it (for {@code jfs start}). */
    public static final String SETTINGS = "run.json";

    private ContainerRun() {}

    /**
     * Runs {@code spec} in the container {@code name} and returns the process's exit status
     * (128 + N if signal N ended it). A command not found in the container fails with
     * {@link CommandNotRunnable} (exit status 127 or 126); anything else a user can fix with
     * {@link UserError}.
     */
    public static int run(Store store, String name, ProcessSpec spec, Stdio stdio) {
        checkCanRun(spec.tty(), stdio);
        Runc runc = Runc.find(store.root());
        String busy = store.busyReason(name);
        if (busy != null) throw new UserError("container " + name + " is busy: " + busy);
        Path dir = store.containerDir(name);
        LayerStack stack = store.containerStack(name);
        try {
            LayerStack withInit = withInitLayer(dir, stack, spec);
            List<RuntimeFiles.File> etc = RuntimeFiles.write(dir, spec.hostname());
            try (ContainerMount mount = ContainerMount.mount(withInit, dir.resolve("rootfs"))) {
                Path rootfs = mount.path();
                UserResolver.ResolvedUser user = UserResolver.resolve(rootfs, spec.user());
                makeWorkingDirectory(rootfs, spec.cwd());
                CommandLookup.check(rootfs, spec);
                Path bundle = dir.resolve("bundle");
                RuntimeBundle.write(bundle, RuntimeBundle.config(rootfs, spec, user, etc));
                String id = runc.id(name);
                runc.deleteStale(id);
                return spec.tty() ? runWithTerminal(runc, bundle, id) : runPlain(runc, bundle, id, stdio);
            }
        } finally {
            store.release(name);
        }
    }

    /**
     * Fails with the reason if no container could run here as asked: not root, no runc, a
     * terminal asked for without one. For callers that check before they make a container.
     */
    public static void checkCanRun(boolean tty, Stdio stdio) {
        if (Posix.geteuid() != 0) throw new UserError("running a container needs root (runc without user namespaces)");
        Runc.binary();
        if (tty && !(stdio.inherits() && RuntimeLibC.get().isatty(0) == 1)) {
            throw new UserError("the input device is not a TTY (run without -t)");
        }
    }

    /** The stack with the init layer right under the upper, made or completed for this spec's mounts. */
    private static LayerStack withInitLayer(Path dir, LayerStack stack, ProcessSpec spec) {
        Path init = dir.resolve(InitLayer.DIR);
        List<Path> image = stack.lowers().stream().filter(p -> !p.equals(init)).toList();
        List<InitLayer.MountPoint> points = new ArrayList<>(InitLayer.STANDARD);
        for (BindMount b : spec.mounts()) {
            points.add(new InitLayer.MountPoint(b.destination(), b.sourceIsDirectory(), false));
        }
        InitLayer.prepare(init, image, points);
        List<Path> lowers = new ArrayList<>();
        lowers.add(init);
        lowers.addAll(image);
        return new LayerStack(lowers, stack.upper(), stack.work()).validate();
    }

    /** A working directory the image lacks is made (root's, 0755), as docker makes it, through the mount. */
    private static void makeWorkingDirectory(Path rootfs, String cwd) {
        String sofar = "";
        for (String part : cwd.split("/+")) {
            if (part.isEmpty()) continue;
            sofar = sofar + "/" + part;
            Path p = RootfsPath.resolve(rootfs, sofar);
            Stat st = Posix.lstatOrNull(p.toString());
            if (st == null) {
                Posix.mkdir(p.toString(), 0755);
            } else if (!st.isDirectory()) {
                throw new UserError("working directory " + cwd + ": " + sofar + " is not a directory in the container");
            }
        }
    }

    private static int runPlain(Runc runc, Path bundle, String id, Stdio stdio) {
        ProcessBuilder pb = new ProcessBuilder(runc.runCommand(bundle, id));
        if (stdio.inherits()) pb.inheritIO();
        if (!stdio.hasInput()) pb.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        Process p = start(pb);
        List<Thread> copies = new ArrayList<>();
        if (!stdio.inherits()) {
            copies.add(copy(p.getInputStream(), stdio.out(), "container-stdout"));
            copies.add(copy(p.getErrorStream(), stdio.err(), "container-stderr"));
            if (stdio.in() != null) feed(stdio.in(), p.getOutputStream());
        }
        try (SignalForwarding forwarding = new SignalForwarding(p, () -> runc.kill(id))) {
            int status = waitFor(p);
            for (Thread t : copies) join(t);
            return status;
        }
    }

    /**
     * runc in the foreground with a terminal does the terminal's work itself: it makes the pty,
     * puts ours in raw mode (and back), copies both ways and passes on SIGWINCH's new size.
     */
    private static int runWithTerminal(Runc runc, Path bundle, String id) {
        Process p = start(new ProcessBuilder(runc.runCommand(bundle, id)).inheritIO());
        try (SignalForwarding forwarding = new SignalForwarding(p, () -> runc.kill(id))) {
            return waitFor(p);
        }
    }

    private static Process start(ProcessBuilder pb) {
        try {
            return pb.start();
        } catch (IOException e) {
            throw new UserError(pb.command().get(0) + ": cannot run (" + e.getMessage() + ")", e);
        }
    }

    private static int waitFor(Process p) {
        while (true) {
            try {
                return p.waitFor();
            } catch (InterruptedException e) {
                // keep waiting: the container's end is what ends this
            }
        }
    }

    private static Thread copy(InputStream from, OutputStream to, String name) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[8192];
            try (from) {
                for (int n; (n = from.read(buf)) > 0; ) {
                    to.write(buf, 0, n);
                    to.flush();
                }
            } catch (IOException ignored) {
                // the reader went away: the container's output has nowhere to go
            }
        }, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Input is fed on a thread nobody waits for: it may block on a caller's stream. */
    private static void feed(InputStream from, OutputStream to) {
        Thread t = new Thread(() -> {
            try (to) {
                from.transferTo(to);
            } catch (IOException ignored) {
                // the container closed its stdin
            }
        }, "container-stdin");
        t.setDaemon(true);
        t.start();
    }

    private static void join(Thread t) {
        try {
            t.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
