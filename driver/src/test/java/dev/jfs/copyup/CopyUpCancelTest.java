package dev.jfs.copyup;

import static org.junit.jupiter.api.Assertions.*;

import dev.jfs.layout.UpperFormat;
import dev.jfs.posix.Cancellation;
import dev.jfs.posix.Errno;
import dev.jfs.posix.FsException;
import dev.jfs.posix.Posix;
import dev.jfs.posix.Stat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A copy-up whose request is cancelled (its process is being killed) stops with EINTR and leaves
 * nothing: no copy at the destination, nothing in the work directory. A cancel of another
 * request, or one that comes after the request ended, changes nothing.
 */
class CopyUpCancelTest {
    static final int SIZE = 24 << 20; // several of copyData's chunks
    @TempDir Path dir;
    Path lower, tmp;
    CopyUp copyUp;
    byte[] data;

    @BeforeEach
    void files() throws IOException {
        data = new byte[SIZE];
        new Random(3).nextBytes(data);
        lower = Files.write(dir.resolve("lower"), data);
        tmp = Files.createDirectories(dir.resolve("tmp"));
        copyUp = new CopyUp(tmp.toString(), UpperFormat.KERNEL);
    }

    @AfterEach
    void notServing() {
        Cancellation.current().served();
    }

    private void copy(Path dst) {
        Stat st = Posix.lstat(lower.toString());
        copyUp.copy(lower.toString(), st, dst.toString(), st.ino(), true);
    }

    @Test
    void aCancelledRequestsCopyStopsAndLeavesNothing() throws IOException {
        Cancellation c = Cancellation.current();
        c.serving(42, 1);
        c.cancel(42);
        Path dst = dir.resolve("copy");
        FsException e = assertThrows(FsException.class, () -> copy(dst));
        assertEquals(Errno.EINTR, e.errno());
        assertFalse(Files.exists(dst), "no copy in place");
        try (var s = Files.list(tmp)) {
            assertEquals(0, s.count(), "nothing left in the work directory");
        }
    }

    @Test
    void aCancelOfAnotherOrAnEndedRequestChangesNothing() throws IOException {
        Cancellation c = Cancellation.current();
        c.serving(42, 1);
        c.cancel(41);
        copy(dir.resolve("a"));
        assertArrayEquals(data, Files.readAllBytes(dir.resolve("a")));

        c.cancel(42);
        c.served();
        c.serving(44, 1); // the thread's next request
        copy(dir.resolve("b"));
        assertArrayEquals(data, Files.readAllBytes(dir.resolve("b")));
    }

    @Test
    void whoServesWhatIsKnownOnlyWhileServing() {
        Cancellation c = Cancellation.current();
        c.serving(42, 1234);
        assertEquals(1234, c.pidServing(42));
        assertEquals(0, c.pidServing(43));
        c.served();
        assertEquals(0, c.pidServing(42));
    }
}
