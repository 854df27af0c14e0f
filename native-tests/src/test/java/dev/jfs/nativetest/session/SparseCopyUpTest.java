package dev.jfs.nativetest.session;

import static org.junit.jupiter.api.Assertions.*;

import dev.jfs.posix.Posix;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A sparse lower file copied up by an append keeps its holes in the upper, as on the kernel's
 * overlayfs (which copies data in 1 MiB steps and skips those that are holes). jfs copied every
 * byte: a 100 MiB file with one written block took 100 MiB of the upper's disk, a 3 GiB one 3 GiB.
 */
class SparseCopyUpTest extends StackTest {
    static final int MIB = 1 << 20;
    static final long SIZE = 96L * MIB;
    static final long[] DATA_AT = {0, 40L * MIB + 12345, 80L * MIB};
    static final int DATA_LENGTH = 64 * 1024;

    @BeforeEach
    void layer() throws Exception {
        lower = Files.createDirectories(tmp.resolve("lower"));
        Random random = new Random(11);
        try (RandomAccessFile f = new RandomAccessFile(lower.resolve("sparse").toFile(), "rw")) {
            for (long at : DATA_AT) {
                byte[] b = new byte[DATA_LENGTH];
                random.nextBytes(b);
                f.seek(at);
                f.write(b);
            }
            f.setLength(SIZE); // ends in a hole
        }
        assertTrue(allocated(lower.resolve("sparse")) < 4 * MIB, "the lower file is sparse");
    }

    @ParameterizedTest
    @EnumSource(Fs.class)
    void appendingToASparseLowerFileKeepsItsHoles(Fs fs) throws Exception {
        stack = Stack.mount(fs, tmp, lower);
        Files.write(stack.path("sparse"), new byte[] {'x'}, StandardOpenOption.APPEND);
        String expected = sha256(lower.resolve("sparse"), "x");
        assertEquals(expected, sha256(stack.path("sparse"), ""), fs + ": the bytes through the mount");
        assertEquals(expected, sha256(stack.upper.resolve("sparse"), ""), fs + ": the upper's bytes");
        long allocated = allocated(stack.upper.resolve("sparse"));
        assertTrue(allocated < 8 * MIB, fs + ": the upper's copy takes " + allocated + " bytes of disk for "
                + DATA_AT.length * DATA_LENGTH + " bytes of data");
        stack.remount();
        assertEquals(expected, sha256(stack.path("sparse"), ""), fs + ": remounted");
    }

    private static long allocated(Path p) {
        return Posix.lstat(p.toString()).blocks() * 512;
    }

    private static String sha256(Path p, String suffix) throws Exception {
        MessageDigest d = MessageDigest.getInstance("SHA-256");
        try (var in = Files.newInputStream(p)) {
            byte[] buf = new byte[MIB];
            for (int n; (n = in.read(buf)) > 0; ) d.update(buf, 0, n);
        }
        d.update(suffix.getBytes());
        return HexFormat.of().formatHex(d.digest());
    }
}
