package dev.jfs.fuse;

import dev.jfs.posix.Stat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The kernel reads ahead 128 KiB at a time on a new FUSE mount, so a sequential read of a file
 * kept in the mount's page cache crosses into this process every 128 KiB. As root we raise the
 * mount's read-ahead (the knob is the mount's backing device in sysfs, as blockdev --setra is for
 * a disk). Not to the 1 MiB a request may carry: the same window is what readahead(2) and
 * fadvise(WILLNEED) fetch per call, and on a file that passes through, those pages are read from
 * this process for nothing (its reads go to the backing file). Without the right, nothing changes.
 */
final class ReadAhead {
    static final int KIB = 256;

    private ReadAhead() {}

    static void raise(Stat mountRoot) {
        long dev = mountRoot.dev();
        Path knob = Path.of("/sys/class/bdi/" + Stat.major(dev) + ":" + Stat.minor(dev) + "/read_ahead_kb");
        try {
            Files.writeString(knob, Integer.toString(KIB));
        } catch (IOException | SecurityException e) {
            // not root, or no sysfs in this container: the kernel's default stays
        }
    }
}
