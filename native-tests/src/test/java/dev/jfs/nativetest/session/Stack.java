package dev.jfs.nativetest.session;

import static dev.jfs.nativetest.CliProcess.*;

import dev.jfs.nativetest.kernel.Mounts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Layers mounted by jfs or by the kernel's overlayfs ({@code redirect_dir=on,index=on}). A jfs
 * mount is guarded by a {@link Watchdog} from mount to unmount.
 */
public final class Stack implements AutoCloseable {
    /** How long a jfs mount of these tests may stay mounted before the watchdog aborts it. */
    static final Duration DEADLINE = Duration.ofSeconds(Long.getLong("jfs.session.deadline", 90));

    public final Fs fs;
    public final List<Path> lowers;
    public final Path upper, work, mnt;
    private Watchdog watchdog;

    public Stack(Fs fs, List<Path> lowers, Path upper, Path work, Path mnt) {
        this.fs = fs;
        this.lowers = List.copyOf(lowers);
        this.upper = upper;
        this.work = work;
        this.mnt = mnt;
    }

    /** {@code fs} mounted on {@code lowers} (top-most first) with a new upper, work and mountpoint in {@code dir/<fs>}. */
    public static Stack mount(Fs fs, Path dir, List<Path> lowers) throws IOException {
        Path d = Files.createDirectories(dir.resolve(fs.toString()));
        Stack s = new Stack(fs, lowers, d.resolve("upper"), d.resolve("work"), Files.createDirectories(d.resolve("mnt")));
        s.mount(DEADLINE);
        return s;
    }

    public static Stack mount(Fs fs, Path dir, Path... lowers) throws IOException {
        return mount(fs, dir, List.of(lowers));
    }

    /** Mounts; a jfs mount still mounted after {@code deadline} has its FUSE connection aborted. */
    public Stack mount(Duration deadline) {
        try { // made here for both, so that the merged root has the same mode on both
            Files.createDirectories(upper);
            Files.createDirectories(work);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        if (fs == Fs.KERNEL) {
            Mounts.mountKernel(lowers, upper, work, mnt);
        } else {
            Mounts.mountJfs(lowers, upper, work, mnt);
            watchdog = Watchdog.arm(mnt, deadline);
        }
        return this;
    }

    public void unmount() {
        if (fs == Fs.KERNEL) Mounts.unmountKernel(mnt);
        else Mounts.unmountJfs(mnt);
        if (watchdog != null) watchdog.close();
        watchdog = null;
    }

    /** Unmounts and mounts the same layers again: what was written must read back the same. */
    public void remount() {
        unmount();
        mount(DEADLINE);
    }

    public Path path(String relative) {
        return mnt.resolve(relative);
    }

    /** Whether this mount's watchdog has aborted it. */
    public boolean aborted() {
        return watchdog != null && watchdog.fired();
    }

    @Override
    public void close() {
        if (watchdog != null) watchdog.close();
        forceUnmount(mnt);
    }
}
