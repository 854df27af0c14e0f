package dev.jfs.nativetest.mount;

import static dev.jfs.nativetest.CliProcess.*;
import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code -o uring}: with the kernel's FUSE over io_uring enabled, the mount's requests come over
 * the ring's queues (every request line of the debug log names its queue) and file operations
 * through it see what they wrote; with it disabled, the same option mounts over /dev/fuse.
 */
class UringSessionTest {
    static final Path ENABLE = Path.of("/sys/module/fuse/parameters/enable_uring");
    static final Pattern REQUEST = Pattern.compile("^unique: \\d+, opcode: (\\w+) \\(\\d+\\).*$", Pattern.MULTILINE);

    @TempDir Path tmp;
    Path lower, upper, mnt, log;
    Process daemon;
    String enabledBefore;

    @BeforeEach
    void layers() throws Exception {
        requireRootAndFuse();
        assertTrue(Files.exists(ENABLE), "this kernel has no FUSE over io_uring (" + ENABLE + " is missing)");
        enabledBefore = Files.readString(ENABLE).trim();
        lower = Files.createDirectories(tmp.resolve("lower"));
        Files.write(lower.resolve("low"), bytes(1 << 20, 1));
        Files.createDirectories(lower.resolve("dir"));
        Files.writeString(lower.resolve("dir/inner"), "inner\n");
        upper = tmp.resolve("upper");
        mnt = Files.createDirectories(tmp.resolve("mnt"));
        log = tmp.resolve("debug.log");
    }

    @AfterEach
    void unmount() throws Exception {
        stopForeground(mnt, daemon);
        Files.writeString(ENABLE, enabledBefore);
    }

    static byte[] bytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    void mountUring() throws Exception {
        daemon = new ProcessBuilder(java("dev.jfs.cli.JfsMount", "-f", "-o", "uring,debug", "--lower", lower.toString(),
                "--upper", upper.toString(), "--work", tmp.resolve("work").toString(), mnt.toString()))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!Files.readString(log).contains("mount ready") && daemon.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(Files.readString(log).contains("mount ready"), "mounted: " + Files.readString(log));
    }

    /** File operations of every kind through the mount, checked against what they wrote. */
    void useTheMount() throws Exception {
        assertArrayEquals(bytes(1 << 20, 1), Files.readAllBytes(mnt.resolve("low")), "a lower file");
        assertEquals("inner\n", Files.readString(mnt.resolve("dir/inner")));
        byte[] data = bytes(3 << 20, 2);
        Files.write(mnt.resolve("dir/new"), data);
        assertArrayEquals(data, Files.readAllBytes(mnt.resolve("dir/new")));
        Files.createDirectories(mnt.resolve("made/deeper"));
        Files.move(mnt.resolve("dir/new"), mnt.resolve("made/deeper/moved"));
        Files.createSymbolicLink(mnt.resolve("link"), Path.of("made/deeper/moved"));
        assertArrayEquals(data, Files.readAllBytes(mnt.resolve("link")), "through the symlink");
        try (var names = Files.list(mnt)) {
            assertEquals(List.of("dir", "link", "low", "made"), names.map(p -> p.getFileName().toString()).sorted().toList());
        }
        Files.delete(mnt.resolve("dir/inner"));
        assertFalse(Files.exists(mnt.resolve("dir/inner")));
        assertTrue(Files.exists(lower.resolve("dir/inner")), "the lower is untouched");
        // O_DIRECT: every 4 KiB read is a READ request.
        String out = sh("dd if=" + mnt.resolve("low") + " of=" + tmp.resolve("direct") + " iflag=direct bs=4096 status=none && echo ok");
        assertEquals("ok\n", out);
        assertArrayEquals(bytes(1 << 20, 1), Files.readAllBytes(tmp.resolve("direct")), "O_DIRECT reads");
        assertArrayEquals(data, Files.readAllBytes(upper.resolve("made/deeper/moved")), "the upper has the file");
    }

    /** Uses the mount, unmounts it and waits for the daemon: its debug log. */
    private String useTheMountAndUnmount() throws Exception {
        useTheMount();
        sh("umount " + mnt);
        assertTrue(daemon.waitFor(30, TimeUnit.SECONDS), "the daemon ends once unmounted");
        return Files.readString(log);
    }

    @Test
    void requestsComeOverTheRingAndAnswerRight() throws Exception {
        Files.writeString(ENABLE, "Y");
        mountUring();
        String debug = useTheMountAndUnmount();
        assertEquals(0, daemon.exitValue(), debug);
        int overRing = 0, reads = 0;
        Matcher m = REQUEST.matcher(debug);
        while (m.find()) {
            String op = m.group(1);
            boolean ring = m.group().contains(", queue: ");
            switch (op) {
                case "INIT", "FORGET", "BATCH_FORGET", "INTERRUPT", "DESTROY" -> { } // always over /dev/fuse
                default -> {
                    assertTrue(ring, "a request that came over /dev/fuse: " + m.group());
                    overRing++;
                    if (op.equals("READ")) reads++;
                }
            }
        }
        assertTrue(overRing > 100, "requests over the ring: " + overRing);
        assertTrue(reads >= 256, "every O_DIRECT read over the ring: " + reads);
    }

    @Test
    void withoutTheKernelsConsentTheOptionMountsOverTheDevice() throws Exception {
        Files.writeString(ENABLE, "N");
        mountUring();
        String debug = useTheMountAndUnmount();
        assertTrue(debug.contains("does not offer FUSE over io_uring"), debug);
        assertFalse(debug.contains(", queue: "), "no request came over a ring");
        assertTrue(REQUEST.matcher(debug).results().count() > 100, "the requests came over /dev/fuse");
    }
}
