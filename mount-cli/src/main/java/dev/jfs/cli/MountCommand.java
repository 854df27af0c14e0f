package dev.jfs.cli;

import dev.jfs.UserError;
import dev.jfs.fuse.FuseMount;
import dev.jfs.fuse.MountOptions;
import dev.jfs.fuse.MountTable;
import dev.jfs.posix.Posix;
import dev.jfs.store.Store;
import dev.jfs.union.LayerStack;
import dev.jfs.union.UnionFs;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code jfsmount} / {@code jfs mount}: like mount(8) and sshfs, returns once the mount answers
 * and leaves a background process serving it; {@code -f} serves in the foreground instead.
 */
@Command(name = "mount", mixinStandardHelpOptions = true,
        description = "Mount a layer stack (or a container from the store) as one filesystem.")
final class MountCommand implements Callable<Integer> {
    @Option(names = "--lower", paramLabel = "DIR[:DIR...]", description = "read-only layers, top-most first")
    String lower;

    @Option(names = "--upper", paramLabel = "DIR", description = "the writable layer (created if missing)")
    Path upper;

    @Option(names = "--work", paramLabel = "DIR", description = "scratch dir on the upper's filesystem (default: UPPER.work)")
    Path work;

    @Option(names = "-o", paramLabel = "OPT[,OPT...]",
            description = "lowerdir=,upperdir=,workdir=, allow_other, timeout=/attr_timeout=/entry_timeout=/negative_timeout= seconds, volatile (copy-ups not synced to disk), threads=N, nopassthrough, noprefetch, spin=MICROS, uring (FUSE over io_uring)")
    List<String> options = List.of();

    @Option(names = "-f", description = "stay in the foreground; SIGINT/SIGTERM unmount")
    boolean foreground;

    /**
     * How a launcher (scripts/jfs, or {@link Background}) starts the daemon: serve here, report
     * errors or {@link Background#READY} on stdout, then move stdio to {@code WORK/jfs.log} so
     * the launcher sees end-of-file and can return while this process keeps serving.
     */
    @Option(names = "--detach", hidden = true)
    boolean detach;

    @Parameters(paramLabel = "[CONTAINER] MOUNTPOINT", arity = "1..2")
    List<String> positional;

    @Override
    public Integer call() throws Exception {
        MountOptions opts = new MountOptions();
        options.forEach(opts::parse);
        Path mnt = Path.of(positional.get(positional.size() - 1)).toAbsolutePath().normalize();
        LayerStack stack = stack(opts).validate();
        FuseMount.checkFuseAvailable();
        checkMountPoint(mnt);
        if (foreground || detach) return serve(stack, mnt, opts, detach);
        return Background.start(stack, mnt, opts);
    }

    private LayerStack stack(MountOptions opts) {
        if (positional.size() == 2) {
            if (lower != null || upper != null || opts.lowerdir != null) {
                throw new UserError("give either a CONTAINER or --lower/--upper, not both");
            }
            return Store.open().containerStack(positional.get(0));
        }
        String lowers = lower != null ? lower : opts.lowerdir;
        Path up = upper != null ? upper : opts.upperdir != null ? Path.of(opts.upperdir) : null;
        Path wk = work != null ? work : opts.workdir != null ? Path.of(opts.workdir) : null;
        if (lowers == null) throw new UserError("--lower (or -o lowerdir=) is needed");
        if (up == null) throw new UserError("--upper (or -o upperdir=) is needed");
        return LayerStack.of(lowers, up, wk);
    }

    /**
     * The mountpoint must be an empty directory that nothing is mounted on. A dead FUSE mount
     * there (its process killed: "Transport endpoint is not connected") is cleared. Plain NIO
     * here: the launching process never loads the native bindings (hundreds of milliseconds of
     * start-up), except to clear a dead mount.
     */
    static void checkMountPoint(Path mnt) {
        String m = mnt.toString();
        Optional<MountTable.Mount> mounted = MountTable.at(mnt);
        if (mounted.isPresent()) {
            if (!isDead(mounted.get(), mnt)) {
                throw new UserError("mountpoint " + m + " is busy: something is mounted there (jfs umount " + m + ")");
            }
            Posix.umount(m, Posix.MNT_DETACH);
            System.err.println("jfsmount: cleared a dead FUSE mount at " + m);
        }
        if (!Files.exists(mnt, LinkOption.NOFOLLOW_LINKS)) throw new UserError("mountpoint " + m + ": no such directory");
        if (!Files.isDirectory(mnt)) throw new UserError("mountpoint " + m + ": not a directory");
        try (var list = Files.list(mnt)) {
            if (list.findAny().isPresent()) throw new UserError("mountpoint " + m + " is not empty");
        } catch (IOException e) {
            throw new UserError("mountpoint " + m + ": " + e.getMessage());
        }
    }

    /**
     * A FUSE mount whose process is gone. stat(2) of its root can still succeed from the
     * kernel's attribute cache; reading the directory cannot.
     */
    private static boolean isDead(MountTable.Mount mount, Path mnt) {
        if (!mount.fsType().startsWith("fuse")) return false;
        long pid = mount.jfsPid();
        if (pid > 0) return ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true);
        try (var list = Files.list(mnt)) {
            return false;
        } catch (IOException e) {
            return String.valueOf(e.getMessage()).contains("not connected");
        }
    }

    /** Serves in this process until unmounted. Holds the work directory's lock meanwhile. */
    static int serve(LayerStack stack, Path mnt, MountOptions opts, boolean detach) throws IOException {
        Path lockFile = stack.work().resolve("jfs.lock");
        try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock lock = ch.tryLock()) {
            if (lock == null) {
                throw new UserError("upper " + stack.upper() + " is in use by another jfs mount (work dir " + stack.work() + ")");
            }
            String log = stack.work().resolve("jfs.log").toString();
            FuseMount.serve(() -> UnionFs.open(stack, null), mnt, opts, () -> {
                // The log exists before the launcher hears READY and returns: whoever looks for it
                // then finds it (ScriptLauncherTest once looked before the redirect below).
                if (detach) Posix.close(Posix.open(log, Posix.O_WRONLY | Posix.O_CREAT | Posix.O_TRUNC, 0644));
                System.out.println(Background.READY);
                System.out.flush();
                if (detach) Posix.redirectStdio(log);
            });
        }
        return 0;
    }
}
