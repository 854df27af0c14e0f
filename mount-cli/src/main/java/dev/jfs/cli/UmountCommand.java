package dev.jfs.cli;

import dev.jfs.UserError;
import dev.jfs.fuse.MountTable;
import dev.jfs.fuse.session.Fusermount;
import dev.jfs.posix.Errno;
import dev.jfs.posix.FsException;
import dev.jfs.posix.Posix;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code jfs umount MNT}: unmounts and waits for the mount's process to end. Root unmounts with
 * umount(2); any other user through fusermount3, which lets them unmount what they mounted.
 */
@Command(name = "umount", mixinStandardHelpOptions = true, description = "Unmount a jfs mount and end its process.")
final class UmountCommand implements Callable<Integer> {
    @Parameters(paramLabel = "MOUNTPOINT")
    Path mountPoint;

    @Option(names = {"-l", "--lazy"}, description = "detach now even if files are open there")
    boolean lazy;

    @Override
    public Integer call() throws Exception {
        Path mnt = mountPoint.toAbsolutePath().normalize();
        Optional<MountTable.Mount> mount = MountTable.at(mnt);
        if (mount.isEmpty()) throw new UserError(mnt + " is not mounted");
        long pid = mount.get().jfsPid();
        if (pid < 0) throw new UserError(mnt + " is not a jfs mount (it is " + mount.get().fsType() + ")");
        if (Fusermount.needed()) {
            unmountThroughFusermount(mnt);
        } else {
            try {
                Posix.umount(mnt.toString(), lazy ? Posix.MNT_DETACH : 0);
            } catch (FsException e) {
                if (e.errno() == Errno.EBUSY) throw busy(mnt);
                throw new UserError("umount " + mnt + ": " + e.getMessage());
            }
        }
        Optional<ProcessHandle> daemon = ProcessHandle.of(pid);
        if (daemon.isPresent()) {
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (daemon.get().isAlive() && System.nanoTime() < deadline) Thread.sleep(5);
            if (daemon.get().isAlive()) throw new UserError("unmounted " + mnt + ", but its process " + pid + " is still running");
        }
        return 0;
    }

    /** A user who may not call umount(2) unmounts what they mounted through fusermount3, as they mounted it. */
    private void unmountThroughFusermount(Path mnt) {
        try {
            Fusermount.unmount(mnt, lazy);
        } catch (UserError e) {
            if (e.getMessage().contains("Device or resource busy")) throw busy(mnt);
            throw e;
        }
    }

    private static UserError busy(Path mnt) {
        return new UserError(mnt + " is busy: a process is using it (close it, or jfs umount --lazy)");
    }
}
