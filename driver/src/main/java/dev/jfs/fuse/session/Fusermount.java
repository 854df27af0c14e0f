package dev.jfs.fuse.session;

import dev.jfs.UserError;
import dev.jfs.posix.Posix;
import java.nio.file.Path;

/** Placeholder until the fusermount3 path lands: only root can mount. */
public final class Fusermount {
    private Fusermount() {}

    public static int mount(Path mountPoint, String options) {
        throw new UserError("mounting " + mountPoint + ": only root can mount in this build");
    }

    public static void unmount(Path mountPoint, boolean lazy) {
        throw new UserError("unmounting " + mountPoint + ": only root can unmount in this build");
    }

    public static boolean needed() {
        return Posix.geteuid() != 0;
    }
}
