package dev.jfs.nativetest.mount;

import static dev.jfs.nativetest.CliProcess.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.jfs.fuse.MountTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
    /** For the stuck requests: a jfs mount under the one tested, its daemon stopped, and who waits on it. */
    Path inner;
    long stoppedDaemon;
    final List<Process> stuck = new ArrayList<>();

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
        inner = tmp.resolve("inner");
    }

    @AfterEach
    void unmount() throws Exception {
        if (stoppedDaemon > 0) sh("kill -CONT " + stoppedDaemon);
        for (Process p : stuck) p.destroyForcibly();
        stopForeground(mnt, daemon);
        forceUnmount(inner);
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

    /**
     * The kernel queues a request on the queue of the CPU its program runs on and never moves it
     * to another: with every thread of CPU 0's queue stuck on a stopped lower layer, the next
     * program on CPU 0 waited forever, while /dev/fuse serves it on another thread. As many stuck
     * requests as the mount has threads but one (what /dev/fuse lets be stuck) leave it served.
     */
    @Test
    void programsOnACpuWhoseThreadsAreAllStuckAreStillServed() throws Exception {
        Files.writeString(ENABLE, "Y");
        Path base = Files.createDirectories(tmp.resolve("base"));
        int threads = 4;
        for (int i = 0; i < threads - 1; i++) Files.writeString(base.resolve("f" + i), "f" + i + "\n");
        Files.createDirectories(inner);
        var r = jfsmount("--lower", base.toString(), "--upper", tmp.resolve("inner-upper").toString(),
                "--work", tmp.resolve("inner-work").toString(), inner.toString());
        assertEquals(0, r.exit(), r.toString());
        daemon = new ProcessBuilder(java("dev.jfs.cli.JfsMount", "-f", "-o", "uring,debug,threads=" + threads,
                "--lower", inner.toString(), "--upper", upper.toString(), "--work", tmp.resolve("work").toString(),
                mnt.toString())).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!Files.readString(log).contains("mount ready") && daemon.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(Files.readString(log).contains("mount ready"), "mounted: " + Files.readString(log));
        Files.createDirectories(mnt.resolve("mine"));
        Files.writeString(mnt.resolve("mine/a"), "a\n");
        // Looked up now: only the opens wait on the stopped layer.
        for (int i = 0; i < threads - 1; i++) assertTrue(Files.isRegularFile(mnt.resolve("f" + i)));
        stoppedDaemon = MountTable.at(inner).map(MountTable.Mount::jfsPid).orElse(-1L);
        assertTrue(stoppedDaemon > 0, "the daemon of " + inner);
        sh("kill -STOP " + stoppedDaemon);

        for (int i = 0; i < threads - 1; i++) {
            stuck.add(new ProcessBuilder("taskset", "-c", "0", "cat", mnt.resolve("f" + i).toString()).start());
        }
        Thread.sleep(1000);
        for (Process p : stuck) assertTrue(p.isAlive(), "a read waits for the stopped layer");

        var other = run(List.of("timeout", "-s", "KILL", "20", "taskset", "-c", "0", "sh", "-c",
                "echo b > '" + mnt.resolve("mine/b") + "' && cat '" + mnt.resolve("mine/a") + "' '" + mnt.resolve("mine/b") + "'"));
        assertEquals(0, other.exit(), "a program on CPU 0 served while its queue's first threads are stuck: " + other);
        assertEquals("a\nb\n", other.out());
        assertTrue(Files.readString(log).lines().anyMatch(l -> l.contains("opcode: CREATE") && l.contains(", queue: 0")),
                "the program's requests came over CPU 0's queue");

        sh("kill -CONT " + stoppedDaemon);
        stoppedDaemon = 0;
        for (int i = 0; i < threads - 1; i++) {
            assertTrue(stuck.get(i).waitFor(20, TimeUnit.SECONDS), "the stuck read ends once the layer runs again");
            assertEquals("f" + i + "\n", new String(stuck.get(i).getInputStream().readAllBytes()));
        }
    }
}
