package dev.jfs.nativetest.session;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A process killed while its open(2) copies a large lower file up stops waiting at once, and the
 * copy is abandoned: nothing in the upper, nothing left in the work directory, the lower file
 * still served whole, as the kernel's overlayfs stops a copy-up on a fatal signal. A signal the
 * process handles does not stop the copy: its open succeeds.
 */
class KilledCopyUpTest extends StackTest {
    static final long SIZE = 1L << 30; // written, not sparse: a copy-up skipping holes would be instant
    static final int OPENAT = 257; // x86_64

    @BeforeEach
    void layer() throws IOException {
        lower = Files.createDirectories(tmp.resolve("lower"));
        Path big = lower.resolve("big");
        Processes.ok("dd", "if=/dev/zero", "of=" + big, "bs=8M", "count=" + (SIZE >> 23), "conv=fsync", "status=none");
        // Out of the page cache: a copy-up reads it from the disk, long enough to be killed in.
        Processes.ok("dd", "if=" + big, "iflag=nocache", "count=0", "status=none");
        Files.writeString(lower.resolve("small"), "small\n");
    }

    @ParameterizedTest
    @EnumSource(Fs.class)
    void aProcessKilledDuringCopyUpLeavesNoCopy(Fs fs) throws Exception {
        Process opener = copyingUp(fs, "");
        opener.destroyForcibly();
        assertTrue(opener.waitFor(60, TimeUnit.SECONDS), fs + ": the killed process ended");

        assertFalse(Files.exists(stack.upper.resolve("big")), fs + ": the copy-up was abandoned, not finished");
        assertEquals(List.of(), filesIn(stack.work), fs + ": nothing left in the work directory");
        assertEquals(SIZE, Files.size(stack.path("big")), fs + ": the lower file is served whole");
        Files.writeString(stack.path("small"), "changed\n");
        assertEquals("changed\n", Files.readString(stack.upper.resolve("small")), fs + ": later copy-ups work");
    }

    @ParameterizedTest
    @EnumSource(Fs.class)
    void aHandledSignalLetsTheCopyUpFinish(Fs fs) throws Exception {
        Process opener = copyingUp(fs, "trap 'echo usr1' USR1; ");
        Processes.ok("kill", "-USR1", "" + opener.pid());
        assertTrue(opener.waitFor(120, TimeUnit.SECONDS), fs + ": the open ended");
        String out = new String(opener.getInputStream().readAllBytes());
        String err = new String(opener.getErrorStream().readAllBytes());
        assertEquals(0, opener.exitValue(), fs + ": the open succeeded: " + out + err);
        assertTrue(out.contains("opened"), fs + ": " + out + err);
        assertEquals(SIZE, Files.size(stack.upper.resolve("big")), fs + ": the copy is whole in the upper");
    }

    /**
     * Mounts {@code fs} and starts a shell ({@code before} its open) whose own open for appending
     * copies {@code big} up, then says so: returned once the copy is under way.
     */
    private Process copyingUp(Fs fs, String before) throws Exception {
        stack = Stack.mount(fs, tmp, lower);
        Process opener = new ProcessBuilder("bash", "-c", before + "exec 3>>'" + stack.path("big") + "'; echo opened").start();
        awaitCopying(fs, opener);
        return opener;
    }

    /**
     * Waits until the shell has been inside its openat(2) for a while: the copy-up is under way
     * (the kernel's overlayfs copies into an unnamed file, so the work directory shows nothing).
     */
    private void awaitCopying(Fs fs, Process opener) throws Exception {
        Path syscall = Path.of("/proc/" + opener.pid() + "/syscall");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        int seen = 0;
        while (System.nanoTime() < deadline) {
            assertTrue(opener.isAlive(), fs + ": the open ended before its copy-up was seen under way");
            String now = Files.readString(syscall);
            // While the kernel copies on the CPU, the file says "running" instead of the call.
            boolean inOpen = now.startsWith(OPENAT + " ") || seen > 0 && now.startsWith("running");
            seen = inOpen ? seen + 1 : 0;
            if (seen == 10) return;
            Thread.sleep(10);
        }
        fail(fs + ": no copy-up under way after 30 s");
    }

    private static List<Path> filesIn(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> Files.isRegularFile(p) && !p.getFileName().toString().startsWith("jfs.")).toList(); // the daemon's log and lock
        }
    }
}
