package dev.jfs.nativetest.mount;

import static dev.jfs.nativetest.CliProcess.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.jfs.fuse.MountTable;
import dev.jfs.nativetest.CliProcess.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * scripts/jfsmount, the command users run: it starts the daemon JVM itself (no launcher JVM) and
 * returns once the daemon reports the mount ready, or passes on the daemon's one-line error and
 * exit status. Every test of MountCliTest runs again here through the script.
 */
class ScriptLauncherTest extends MountCliTest {
    @Override
    Result launch(String... args) {
        List<String> cmd = new ArrayList<>(List.of(repoScript("jfsmount").toString()));
        cmd.addAll(List.of(args));
        return run(cmd);
    }

    /** The daemon's pid, from the fsname jfs gives its mounts (jfs-PID). */
    long daemonPid() {
        long pid = MountTable.at(mnt).map(MountTable.Mount::jfsPid).orElse(-1L);
        if (pid <= 0) throw new AssertionError("no jfs mount at " + mnt);
        return pid;
    }

    static long sessionOf(long pid) throws Exception {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[3]); // fields after the name: state ppid pgrp session
    }

    @Test
    void returnsWhileTheDaemonServesInASessionOfItsOwnAndLogsToWork() throws Exception {
        Result r = mount();
        assertEquals(0, r.exit(), r.toString());
        assertEquals("", r.out(), r.toString());
        assertFalse(r.err().contains("jfs: mount ready"), "the ready line is for the launcher only: " + r);
        long pid = daemonPid();
        assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "daemon alive after the launcher left");
        assertEquals(pid, sessionOf(pid), "the daemon leads a session of its own (no terminal signals)");
        assertTrue(Files.exists(work.resolve("jfs.log")), "the daemon's output goes to WORK/jfs.log once mounted");
        assertEquals("hi\n", Files.readString(mnt.resolve("hello")));
        assertEquals(0, jfs("umount", mnt.toString()).exit());
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "daemon ends after umount");
    }
}
