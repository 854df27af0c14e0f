package dev.jfs.fuse;

import dev.jfs.UserError;
import dev.jfs.fuse.adapter.UnionOperations;
import dev.jfs.fuse.session.FuseDevice;
import dev.jfs.fuse.session.MountSettings;
import dev.jfs.fuse.session.Session;
import dev.jfs.fuse.session.uring.UringSession;
import dev.jfs.posix.Posix;
import dev.jfs.union.UnionFs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * Serves a {@link UnionFs} at a mountpoint until it is unmounted: mounts a FUSE connection
 * (mount(2) as root, fusermount3 otherwise), and answers its requests in a {@link Session}
 * through {@link UnionOperations}.
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
     * Mounts and blocks until the filesystem is unmounted (jfs umount, fusermount3 -u, or a signal).
     *
     * @param union opens the union
     * @param onReady run once the mount answers
     */
    public static void serve(Supplier<UnionFs> union, Path mountPoint, MountOptions options, Runnable onReady) {
        checkFuseAvailable();
        UnionFs fs = union.get();
        fs.prefetchDirectories(options.prefetch);
        fs.leaveAccessTimes(options.noatime && !options.strictatime);
        fs.durableCopyUps(!options.volatileCopyUps);
        UnionOperations operations = new UnionOperations(fs, options.entryTimeout, options.attrTimeout, options.negativeTimeout);
        boolean root = Posix.geteuid() == 0;
        MountSettings settings = new MountSettings(mountPoint, SUBTYPE + "-" + ProcessHandle.current().pid(), SUBTYPE,
                options.allowOther(), options.devices && root, options.setuid && root, options.noatime, options.readOnly,
                options.executables, options.nodiratime, options.strictatime);
        FuseDevice device = Session.mount(settings);
        // Over io_uring, the device brings only INIT, FORGET and INTERRUPT: its threads sleep on it.
        Session session = new Session(device, operations, options.passthrough && root, options.uring, options.fuseDebug,
                options.uring ? 0 : options.spinMicros);
        UringSession uring = options.uring ? UringSession.prepare(device, session, Session.PAYLOAD, options.threads) : null;
        // SIGINT/SIGTERM: detach the mount; the request threads then see it gone and end.
        Thread unmountOnSignal = new Thread(() -> unmount(mountPoint), "unmount-on-exit");
        Runtime.getRuntime().addShutdownHook(unmountOnSignal);
        session.start(options.threads);
        try {
            if (!session.awaitInit(30)) {
                unmount(mountPoint);
                String why = session.failedInit();
                throw new UserError("mounting " + mountPoint + " failed: " + (why != null ? why : "no answer after 30 s"));
            }
            dev.jfs.posix.Stat mountRoot = Posix.lstat(mountPoint.toString());
            ReadAhead.raise(mountRoot);
            if (uring != null) uring.abortOnFailure(mountRoot.dev());
            onReady.run();
            session.join();
            if (uring != null) uring.join();
            Runtime.getRuntime().removeShutdownHook(unmountOnSignal);
        } catch (InterruptedException | IllegalStateException e) {
            // interrupted, or the JVM is already shutting down: the hook unmounts
        } finally {
            device.close();
        }
    }

    private static void unmount(Path mountPoint) {
        try {
            Session.unmount(mountPoint);
        } catch (RuntimeException ignored) {
            // already unmounted
        }
    }
}
