package dev.jfs.nativetest.mount;

import static dev.jfs.nativetest.CliProcess.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.jfs.fuse.MountTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A request stuck in the daemon does not hold up the others. The mount's threads but one stand
 * by while that one keeps up with the requests, and one is let read once it is stuck on a
 * request (StandbyReaders). To get a request stuck for sure, the outer mount's lower layer is
 * itself a jfs mount whose daemon is stopped (SIGSTOP): opening a lower file waits on it. On
 * one thread ({@code -o threads=1}) the test fails: the other request waits as long.
 */
class StuckRequestTest {
    @TempDir Path tmp;
    Path inner, outer;
    long innerDaemon;

    @BeforeEach
    void mounts() throws Exception {
        requireRootAndFuse();
        Files.createDirectories(tmp.resolve("base/lib"));
        Files.writeString(tmp.resolve("base/lib/data"), "from the stopped layer\n");
        inner = Files.createDirectories(tmp.resolve("inner"));
        outer = Files.createDirectories(tmp.resolve("outer"));
        mount(inner, tmp.resolve("base"), "i");
        mount(outer, inner, "o");
        innerDaemon = daemonOf(inner);
    }

    @AfterEach
    void unmount() {
        if (innerDaemon > 0) sh("kill -CONT " + innerDaemon);
        forceUnmount(outer);
        forceUnmount(inner);
    }

    void mount(Path at, Path lower, String name, String... options) {
        List<String> args = new ArrayList<>(List.of(options));
        args.addAll(List.of("--lower", lower.toString(), "--upper", tmp.resolve(name + "-upper").toString(),
                "--work", tmp.resolve(name + "-work").toString(), at.toString()));
        var r = jfsmount(args.toArray(String[]::new));
        assertEquals(0, r.exit(), r.toString());
    }

    /** The daemon serving {@code mnt}. */
    static long daemonOf(Path mnt) {
        long pid = MountTable.at(mnt).map(MountTable.Mount::jfsPid).orElse(-1L);
        if (pid <= 0) throw new AssertionError("no jfs mount at " + mnt);
        return pid;
    }

    @Test
    void anotherRequestIsAnsweredWhileOneWaitsOnAStoppedLayer() throws Exception {
        // A directory of the upper alone, known to the outer mount before the inner one stops.
        Files.createDirectories(outer.resolve("mine"));
        Files.writeString(outer.resolve("mine/a"), "a\n");
        // Looked up now, so that only the open waits on the stopped layer, and it waits outside
        // the union's lock (a lookup waiting on a lower layer would hold up every writer).
        assertTrue(Files.isRegularFile(outer.resolve("lib/data")));
        sh("kill -STOP " + innerDaemon);

        CompletableFuture<String> stuck = CompletableFuture.supplyAsync(() -> {
            try {
                return Files.readString(outer.resolve("lib/data"));
            } catch (Exception e) {
                return "failed: " + e;
            }
        });
        Thread.sleep(500);
        assertFalse(stuck.isDone(), "the read should wait for the stopped layer: " + (stuck.isDone() ? stuck.join() : ""));

        // In a process that can be killed: a request that waited behind the stuck one would hang.
        var other = run(List.of("timeout", "-s", "KILL", "20", "sh", "-c",
                "echo b > '" + outer.resolve("mine/b") + "' && cat '" + outer.resolve("mine/a") + "' && ls '" + outer.resolve("mine") + "'"));
        assertEquals(0, other.exit(), "served while another request was stuck: " + other);
        assertEquals("a\na\nb\n", other.out());
        assertFalse(stuck.isDone(), "still waiting for the stopped layer");

        sh("kill -CONT " + innerDaemon);
        assertEquals("from the stopped layer\n", stuck.get(20, TimeUnit.SECONDS));
    }
}
