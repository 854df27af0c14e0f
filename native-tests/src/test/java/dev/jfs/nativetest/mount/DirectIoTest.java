package dev.jfs.nativetest.mount;

import static dev.jfs.nativetest.CliProcess.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.jfs.nativetest.CliProcess.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * O_DIRECT through the mount (databases, fio --direct=1): reads and writes work and carry the
 * right bytes. The kernel bypasses the mount's page cache; the real file is opened without
 * O_DIRECT, whose alignment rules the daemon's buffers do not meet (reads failed with EINVAL).
 */
class DirectIoTest {
    @TempDir Path tmp;
    Path mnt;

    @AfterEach
    void unmount() {
        if (mnt != null) forceUnmount(mnt);
    }

    static Result sh(String script) {
        return run(List.of("sh", "-c", script));
    }

    @Test
    void directReadsAndWritesCarryTheBytes() throws Exception {
        Path lower = Files.createDirectories(tmp.resolve("lower"));
        byte[] data = new byte[1 << 20];
        new Random(3).nextBytes(data);
        Files.write(lower.resolve("f"), data);
        Path upper = tmp.resolve("upper");
        mnt = Files.createDirectories(tmp.resolve("mnt"));
        Result m = jfsmount("--lower", lower.toString(), "--upper", upper.toString(), "--work", tmp.resolve("work").toString(),
                mnt.toString());
        assertEquals(0, m.exit(), m.toString());

        Result read = sh("dd if=" + mnt.resolve("f") + " of=" + tmp.resolve("read") + " iflag=direct bs=4096 status=none");
        assertEquals(0, read.exit(), read.toString());
        assertArrayEquals(data, Files.readAllBytes(tmp.resolve("read")), "O_DIRECT read of a lower file");

        Result write = sh("dd if=" + tmp.resolve("read") + " of=" + mnt.resolve("g") + " oflag=direct bs=65536 status=none");
        assertEquals(0, write.exit(), write.toString());
        assertArrayEquals(data, Files.readAllBytes(upper.resolve("g")), "O_DIRECT write lands in the upper");

        Result update = sh("dd if=/dev/zero of=" + mnt.resolve("f") + " oflag=direct conv=notrunc bs=4096 count=1 seek=2 status=none");
        assertEquals(0, update.exit(), update.toString());
        byte[] expect = data.clone();
        java.util.Arrays.fill(expect, 8192, 12288, (byte) 0);
        assertArrayEquals(expect, Files.readAllBytes(mnt.resolve("f")), "O_DIRECT write to a lower file copies it up first");
        assertArrayEquals(data, Files.readAllBytes(lower.resolve("f")), "the lower is untouched");
    }
}
