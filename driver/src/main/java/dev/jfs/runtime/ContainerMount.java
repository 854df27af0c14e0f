package dev.jfs.runtime;

import dev.jfs.UserError;
import dev.jfs.fuse.FuseMount;
import dev.jfs.fuse.MountOptions;
import dev.jfs.posix.Errno;
import dev.jfs.posix.FsException;
import dev.jfs.posix.Posix;
import dev.jfs.union.LayerStack;
import dev.jfs.union.UnionFs;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A container's root: its stack mounted by jfs, served from this process for as long as the
 * container runs (as {@code jfsmount -f} would serve it), with {@code allow_other} so that
 * processes of any uid in the container may use it. Holds the work directory's lock meanwhile, as
 * a jfs mount daemon does, so no second mount of the container starts. Closing unmounts.
 */
final class ContainerMount implements AutoCloseable {
    private static final long READY_SECONDS = 60;
    private final Path mountPoint;
    private final Thread serving;
    private final FileChannel lockChannel;
    private final int umask;

    private ContainerMount(Path mountPoint, Thread serving, FileChannel lockChannel, int umask) {
        this.mountPoint = mountPoint;
        this.serving = serving;
        this.lockChannel = lockChannel;
        this.umask = umask;
    }

    static ContainerMount mount(LayerStack stack, Path mountPoint) {
        // Serving sets this process's umask to 0 (the union makes files with the modes the kernel
        // passes): what the caller does after the container (a builder's COPY) gets its own back.
        int umask = Posix.umask(022);
        Posix.umask(umask);
        FileChannel ch = lockWork(stack);
        try {
            return new ContainerMount(mountPoint, serve(stack, mountPoint), ch, umask);
        } catch (RuntimeException e) {
            close(ch);
            Posix.umask(umask);
            throw e;
        }
    }

    /** Starts serving on a thread of its own; returns it once the mount answers. */
    private static Thread serve(LayerStack stack, Path mountPoint) {
        try {
            Files.createDirectories(mountPoint);
        } catch (IOException e) {
            throw new UserError(mountPoint + ": cannot make the container's mount point (" + e.getMessage() + ")", e);
        }
        MountOptions opts = new MountOptions();
        opts.parse("allow_other");
        CountDownLatch ready = new CountDownLatch(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread serving = new Thread(() -> {
            try {
                FuseMount.serve(() -> UnionFs.open(stack, null), mountPoint, opts, ready::countDown);
            } catch (Throwable t) {
                failure.set(t);
            } finally {
                ready.countDown();
            }
        }, "container-mount");
        serving.setDaemon(true);
        serving.start();
        try {
            if (!ready.await(READY_SECONDS, TimeUnit.SECONDS)) {
                throw new UserError("mounting " + mountPoint + ": no answer after " + READY_SECONDS + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserError("mounting " + mountPoint + ": interrupted");
        }
        Throwable t = failure.get();
        if (t instanceof RuntimeException r) throw r;
        if (t != null) throw new UserError("mounting " + mountPoint + " failed: " + t, t);
        return serving;
    }

    Path path() {
        return mountPoint;
    }

    private static FileChannel lockWork(LayerStack stack) {
        Path lockFile = stack.work().resolve("jfs.lock");
        try {
            FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = ch.tryLock();
            if (lock == null) {
                ch.close();
                throw new UserError("upper " + stack.upper() + " is in use by a jfs mount (work dir " + stack.work() + ")");
            }
            return ch;
        } catch (IOException e) {
            throw new UserError(lockFile + ": cannot lock (" + e.getMessage() + ")", e);
        }
    }

    /**
     * Unmounts: at once if nothing holds the mount (the container's processes are gone with its
     * PID namespace), else detached; then waits for the serving thread to end.
     */
    @Override
    public void close() {
        String m = mountPoint.toString();
        try {
            Posix.umount(m, 0);
        } catch (FsException e) {
            if (e.errno() != Errno.EINVAL && e.errno() != Errno.ENOENT) {
                try {
                    Posix.umount(m, Posix.MNT_DETACH);
                } catch (FsException ignored) {
                    // gone meanwhile
                }
            }
        }
        try {
            serving.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        close(lockChannel);
        Posix.umask(umask);
    }

    private static void close(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // releasing the lock is all closing does
        }
    }
}
