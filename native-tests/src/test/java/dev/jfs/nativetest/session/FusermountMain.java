package dev.jfs.nativetest.session;

import dev.jfs.UserError;
import dev.jfs.fuse.MountTable;
import dev.jfs.fuse.session.Fusermount;
import dev.jfs.posix.Posix;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Fusermount in a process of its own, so that FusermountTest can run it as a user who is not
 * root: mounts MOUNTPOINT, reports what it got as "key: value" lines, unmounts. Never touches
 * the mountpoint (nothing answers the kernel's INIT). A UserError is reported as "error: LINE".
 */
public final class FusermountMain {
    private FusermountMain() {}

    public static void main(String[] args) throws Exception {
        Path mnt = Path.of(args[0]);
        String options = args.length > 1 ? args[1] : "fsname=jfs-" + ProcessHandle.current().pid() + ",subtype=jfs";
        System.out.println("needed: " + Fusermount.needed());
        try {
            int fd = Fusermount.mount(mnt, options);
            System.out.println("device: " + Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)));
            System.out.println("type: " + MountTable.at(mnt).map(MountTable.Mount::fsType).orElse("none"));
            Fusermount.unmount(mnt, false);
            System.out.println("after unmount: " + MountTable.at(mnt).map(MountTable.Mount::fsType).orElse("none"));
            Posix.close(fd);
        } catch (UserError e) {
            System.out.println("error: " + e.getMessage());
        }
    }
}
