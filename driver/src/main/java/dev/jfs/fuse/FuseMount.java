package dev.jfs.fuse;

import dev.jfs.UserError;
import dev.jfs.posix.Posix;
import dev.jfs.posix.Stat;
import dev.jfs.union.UnionFs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Serves a {@link UnionFs} at a mountpoint until it is unmounted: libfuse's request loop runs on
 * our own threads ({@link FuseLoop}); readiness is seen from outside, when the mountpoint's
 * st_dev changes once the kernel has the mount and our getattr answers.
 */
public final class FuseMount {
    public static final String SUBTYPE = "jfs";

    private FuseMount() {}

    /** Checks what the mount needs from the machine, with the fix in the message. */
    public static void checkFuseAvailable() {
        if (!Files.exists(Path.of("/dev/fuse"))) {
            throw new UserError("/dev/fuse is missing: load FUSE (modprobe fuse) or give the container --device /dev/fuse");
        }
    }

    /**
     * Mounts and blocks until the filesystem is unmounted (jfs umount, fusermount -u, or a signal).
     *
     * @param union opens the union; runs while libfuse loads on another thread (start-up time)
     * @param onReady run once the mount answers
     */
    public static void serve(Supplier<UnionFs> union, Path mountPoint, MountOptions options, Runnable onReady) {
        checkFuseAvailable();
        CompletableFuture<JfsFuse> loading = CompletableFuture.supplyAsync(JfsFuse::new);
        CompletableFuture<FuseLoop> binding = CompletableFuture.supplyAsync(FuseLoop::new);
        UnionFs fs = union.get();
        fs.prefetchDirectories(options.prefetch);
        fs.durableCopyUps(!options.volatileCopyUps);
        JfsFuse fuse;
        FuseLoop loop;
        try {
            fuse = loading.join();
            loop = binding.join();
        } catch (CompletionException e) {
            throw new UserError("cannot load libfuse2 (libfuse.so.2): install it (apt-get install libfuse2)");
        }
        fuse.attach(fs, mountPoint.toString(), options.threads);
        long before = Posix.lstat(mountPoint.toString()).dev();
        loop.mount(mountPoint.toString(), options.fuseArgs(ProcessHandle.current().pid()), fuse, options.fuseDebug,
                options.passthrough);
        // SIGINT/SIGTERM: detach the mount; the loop threads then see it gone and end.
        Thread unmountOnSignal = new Thread(() -> {
            try {
                Posix.umount(mountPoint.toString(), Posix.MNT_DETACH);
            } catch (RuntimeException ignored) {
                // already unmounted
            }
        }, "unmount-on-exit");
        Runtime.getRuntime().addShutdownHook(unmountOnSignal);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread serving = new Thread(() -> {
            try {
                loop.run(options.threads, options.spinMicros);
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "fuse-loop");
        serving.start();
        waitUntilReady(mountPoint, before, serving, failure);
        onReady.run();
        try {
            serving.join();
            Runtime.getRuntime().removeShutdownHook(unmountOnSignal);
        } catch (InterruptedException | IllegalStateException e) {
            // interrupted, or the JVM is already shutting down: the hook unmounts
        }
    }

    private static void waitUntilReady(Path mnt, long devBefore, Thread loop, AtomicReference<Throwable> failure) {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (!loop.isAlive()) {
                Throwable t = failure.get();
                throw new UserError("mounting " + mnt + " failed" + (t != null ? ": " + rootMessage(t) : ""));
            }
            Stat st = Posix.lstatOrNull(mnt.toString());
            if (st != null && st.dev() != devBefore) {
                ReadAhead.raise(st);
                return;
            }
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        throw new UserError("mounting " + mnt + ": no answer after 30 s");
    }

    private static String rootMessage(Throwable t) {
        while (t.getCause() != null) t = t.getCause();
        return t.getMessage() != null ? t.getMessage() : t.toString();
    }
}
