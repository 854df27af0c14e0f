package dev.jfs.nativetest.session;

import static dev.jfs.nativetest.CliProcess.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.jfs.fuse.MountTable;
import dev.jfs.nativetest.CliProcess.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The watchdog the other tests rely on: a mount whose daemon answers nothing (stopped with
 * SIGSTOP) has its FUSE connection aborted at the deadline, the process waiting on it gets its
 * error, and the watchdog leaves the reason for the test's failure.
 */
class WatchdogTest {
    @TempDir Path tmp;

    @Test
    void aHungMountIsAbortedAtTheDeadlineAndWhatWaitedOnItReturns() throws Exception {
        Path lower = Files.createDirectories(tmp.resolve("lower"));
        Files.writeString(lower.resolve("f"), "f\n");
        Watchdog.takeFired();
        Stack stack = new Stack(Fs.JFS, List.of(lower), tmp.resolve("upper"), tmp.resolve("work"),
                Files.createDirectories(tmp.resolve("mnt")));
        long daemon = -1;
        try {
            stack.mount(Duration.ofSeconds(3));
            daemon = MountTable.at(stack.mnt).map(MountTable.Mount::jfsPid).orElse(-1L);
            assertTrue(daemon > 0, "the daemon of " + stack.mnt);
            sh("kill -STOP " + daemon);
            Result stat = run(List.of("stat", stack.path("f").toString())); // never looked up: the request waits
            assertNotEquals(0, stat.exit(), stat.toString());
            assertTrue(stat.err().contains("connection abort"), "the waiting stat got ECONNABORTED: " + stat);
            assertTrue(stack.aborted());
            String why = Watchdog.takeFired();
            assertNotNull(why, "the watchdog left its reason");
            assertTrue(why.contains(stack.mnt + " was still busy after 3 s") && why.contains("aborted its FUSE connection"), why);
        } finally {
            if (daemon > 0) sh("kill -CONT " + daemon);
            stack.close();
        }
    }
}
