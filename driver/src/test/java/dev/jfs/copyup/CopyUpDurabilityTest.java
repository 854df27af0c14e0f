package dev.jfs.copyup;

import static org.junit.jupiter.api.Assertions.*;

import dev.jfs.layout.UpperFormat;
import dev.jfs.posix.Posix;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A copy-up's data is on disk before the copy takes the lower file's place, as overlayfs makes
 * it (a crash must not leave an empty copy hiding the lower file); with {@code -o volatile} it is
 * left to the kernel's writeback. Seen from outside, as the kernel counts it: the machine's dirty
 * page cache (/proc/meminfo) after copying 64 MiB. So the files live under target/, on the
 * checkout's disk: a tmpfs has no dirty pages to count.
 */
class CopyUpDurabilityTest {
    static final int SIZE = 64 << 20;
    Path dir;

    @BeforeEach
    void dir() throws IOException {
        dir = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "copyup-durability");
    }

    @AfterEach
    void clean() throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static long dirtyKib() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
            if (line.startsWith("Dirty:")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
        throw new IllegalStateException("no Dirty: line in /proc/meminfo");
    }

    /** KiB of page cache a copy-up of a 64 MiB file left dirty. */
    private long dirtiedByCopyUp(boolean durable) throws IOException {
        byte[] data = new byte[SIZE];
        new Random(7).nextBytes(data);
        Path lower = dir.resolve("lower-file");
        try (FileChannel ch = FileChannel.open(lower, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(data));
            ch.force(true); // the lower's own pages clean: only the copy's count
        }
        CopyUp copyUp = new CopyUp(Files.createDirectories(dir.resolve("tmp")).toString(), UpperFormat.KERNEL);
        copyUp.durable(durable);
        Path copy = dir.resolve("copy");
        long before = dirtyKib();
        copyUp.copy(lower.toString(), Posix.lstat(lower.toString()), copy.toString(), -1, true);
        long dirtied = dirtyKib() - before;
        assertTrue(Arrays.equals(data, Files.readAllBytes(copy)), "the copy holds the lower file's data");
        return dirtied;
    }

    @Test
    void aCopiedUpFileIsOnDiskBeforeItTakesItsPlace() throws IOException {
        long dirtied = dirtiedByCopyUp(true);
        assertTrue(dirtied < (SIZE >> 10) / 4, "a durable copy-up of 64 MiB left " + dirtied + " KiB dirty");
    }

    /** The control: the measure sees a copy that is not synced. */
    @Test
    void aVolatileCopyUpLeavesItsDataToWriteback() throws IOException {
        long dirtied = dirtiedByCopyUp(false);
        assertTrue(dirtied > (SIZE >> 10) * 3 / 4, "a volatile copy-up of 64 MiB left only " + dirtied + " KiB dirty");
    }
}
