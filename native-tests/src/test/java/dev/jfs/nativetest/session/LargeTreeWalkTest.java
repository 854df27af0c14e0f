package dev.jfs.nativetest.session;

import static dev.jfs.nativetest.CliProcess.run;
import static org.junit.jupiter.api.Assertions.*;

import dev.jfs.nativetest.CliProcess.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A walk that stats every file of a 300,000-file lower through one mount: the kernel keeps a
 * node for each, so the daemon keeps one too, with the union's caches of every directory. The
 * daemon's heap was capped at 160 MiB, which such a walk outgrew at about 220,000 files: the
 * daemon died of OutOfMemoryError and every program on the mount got ECONNABORTED and ENOTCONN.
 */
class LargeTreeWalkTest extends StackTest {
    static final int DIRS = 300, FILES_PER_DIR = 1000;

    @Test
    void statingEveryFileOfALargeLowerKeepsTheMountUp() throws Exception {
        lower = Files.createDirectories(tmp.resolve("lower"));
        for (int d = 0; d < DIRS; d++) {
            Path dir = Files.createDirectory(lower.resolve("directory-" + d));
            for (int f = 0; f < FILES_PER_DIR; f++) Files.createFile(dir.resolve("a-file-with-a-longer-name-" + f + ".txt"));
        }
        stack = Stack.mount(Fs.JFS, tmp, lower);

        Result walk = run(List.of("find", stack.mnt.toString(), "-type", "f", "-printf", "%i %s\\n"));
        assertEquals(0, walk.exit(), "find: " + walk.err().lines().limit(5).toList());
        assertEquals(DIRS * FILES_PER_DIR, walk.out().lines().count(), "files stat'ed");
        Result again = run(List.of("stat", "-c", "%s", stack.path("directory-0/a-file-with-a-longer-name-0.txt").toString()));
        assertEquals(0, again.exit(), "the mount after the walk: " + again.err());
        String log = Files.readString(stack.work.resolve("jfs.log"));
        assertFalse(log.contains("OutOfMemoryError"), "the daemon's log: " + log.lines().limit(5).toList());
    }
}
