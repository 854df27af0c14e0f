package dev.jfs.nativetest.mount;

import static dev.jfs.nativetest.CliProcess.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.jfs.nativetest.CliProcess.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * scripts/fuse-latency, the tool the benchmark notes use to split a command's time between the
 * daemon and the caller: it must count exactly the requests a known workload makes, only those
 * of the mount named, pass on the command's exit status, and refuse what is not a FUSE mount.
 */
class FuseLatencyScriptTest {
    @TempDir Path tmp;
    Path mnt, other;

    @BeforeEach
    void mountTwo() throws Exception {
        mnt = mount("a");
        other = mount("b");
    }

    private Path mount(String name) throws Exception {
        Path base = Files.createDirectories(tmp.resolve(name));
        Path lower = Files.createDirectories(base.resolve("lower"));
        Files.writeString(lower.resolve("f"), "x\n");
        Path m = Files.createDirectories(base.resolve("mnt"));
        Result r = run(List.of(repoScript("jfsmount").toString(), "--lower", lower.toString(), "--upper",
                base.resolve("upper").toString(), "--work", base.resolve("work").toString(), m.toString()));
        assertEquals(0, r.exit(), r.toString());
        return m;
    }

    @AfterEach
    void unmount() {
        forceUnmount(mnt);
        forceUnmount(other);
    }

    /** Request name to its count, from the script's table. */
    private static Map<String, Integer> counts(String out) {
        Map<String, Integer> c = new TreeMap<>();
        for (String line : out.lines().toList()) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 2 && f[0].matches("[A-Z_0-9]+|all") && f[1].matches("\\d+")) c.put(f[0], Integer.parseInt(f[1]));
        }
        return c;
    }

    @Test
    void countsTheRequestsOfTheNamedMountOnly() {
        // 50 creates of new names in one directory: each a LOOKUP, a CREATE and a RELEASE at least
        String script = "mkdir " + mnt + "/d && for i in $(seq 50); do echo x > " + mnt + "/d/f$i; done;"
                + " for i in $(seq 20); do echo y > " + other + "/g$i; done";
        Result r = run(List.of(repoScript("fuse-latency").toString(), mnt.toString(), "bash", "-c", script));
        assertEquals(0, r.exit(), r.toString());
        Map<String, Integer> c = counts(r.out());
        assertEquals(50, c.getOrDefault("CREATE", 0), r.out());
        assertEquals(50, c.getOrDefault("RELEASE", 0), r.out());
        assertEquals(1, c.getOrDefault("MKDIR", 0), r.out());
        assertTrue(c.getOrDefault("LOOKUP", 0) >= 51, r.out());
        int all = c.getOrDefault("all", -1);
        assertEquals(c.entrySet().stream().filter(e -> !e.getKey().equals("all")).mapToInt(Map.Entry::getValue).sum(),
                all, "the total is the sum of the rows: " + r.out());
        assertTrue(r.out().contains("the caller side"), r.out());
    }

    @Test
    void passesOnTheCommandsExitStatus() {
        Result r = run(List.of(repoScript("fuse-latency").toString(), mnt.toString(), "sh", "-c", "cat " + mnt + "/f; exit 3"));
        assertEquals(3, r.exit(), r.toString());
        assertTrue(r.out().startsWith("x\n"), "the command's own output comes first: " + r);
        assertTrue(counts(r.out()).getOrDefault("OPEN", 0) >= 1, r.out());
    }

    @Test
    void refusesADirectoryThatIsNoFuseMount() {
        Result r = run(List.of(repoScript("fuse-latency").toString(), tmp.toString(), "true"));
        MountCliTest.assertOneLineError(r, "is not a FUSE mount");
    }
}
