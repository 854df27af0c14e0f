package dev.jfs.nativetest.kernel;

import static dev.jfs.nativetest.CliProcess.*;

import dev.jfs.nativetest.CliProcess.Result;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/** Mounting the same stack with the kernel's overlayfs and with jfsmount. */
public final class Mounts {
    private Mounts() {}

    public static String lowerSpec(List<Path> lowers) {
        return lowers.stream().map(Path::toString).collect(Collectors.joining(":"));
    }

    public static void mountKernel(List<Path> lowers, Path upper, Path work, Path mnt) {
        sh("mkdir -p '" + upper + "' '" + work + "' && mount -t overlay overlay -o 'lowerdir=" + lowerSpec(lowers)
                + ",upperdir=" + upper + ",workdir=" + work + ",redirect_dir=on,index=on' '" + mnt + "'");
    }

    /** The filesystem under test: jfs, or -Djfs.diff.sut=fuse-overlayfs to see the test catch a peer's bugs. */
    static final boolean PEER = "fuse-overlayfs".equals(System.getProperty("jfs.diff.sut"));

    public static void mountJfs(List<Path> lowers, Path upper, Path work, Path mnt) {
        if (PEER) {
            sh("mkdir -p '" + upper + "' '" + work + "' && fuse-overlayfs -o 'lowerdir=" + lowerSpec(lowers)
                    + ",upperdir=" + upper + ",workdir=" + work + "' '" + mnt + "'");
            return;
        }
        Result r = jfsmount("--lower", lowerSpec(lowers), "--upper", upper.toString(), "--work", work.toString(), mnt.toString());
        if (r.exit() != 0) throw new AssertionError("jfsmount failed: " + r);
    }

    public static void unmountKernel(Path mnt) {
        sh("umount '" + mnt + "'");
    }

    public static void unmountJfs(Path mnt) {
        if (PEER) {
            sh("fusermount3 -u '" + mnt + "'");
            return;
        }
        Result r = jfs("umount", mnt.toString());
        if (r.exit() != 0) throw new AssertionError("jfs umount failed: " + r);
    }
}
