package dev.jfs.nativetest.session;

import static dev.jfs.nativetest.CliProcess.sha256;
import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The names of a hard-linked file are one file: what a write through one name did, a read
 * through another returns, and every name shows the same link count and change time after each
 * link, unlink and rename, as on the kernel's overlayfs. A mount that gives each name its own
 * kernel inode has one page cache and one set of cached attributes per name, and shows stale ones.
 */
class HardLinkCoherenceTest extends StackTest {

    @BeforeEach
    void layer() throws Exception {
        lower = Files.createDirectories(tmp.resolve("lower/d"));
        Files.createDirectories(tmp.resolve("lower/d2"));
        byte[] data = new byte[300_000];
        new Random(24).nextBytes(data);
        Files.write(lower.resolve("f"), data);
        Files.writeString(lower.resolve("h"), "one file, many names\n");
        lower = tmp.resolve("lower");
    }

    @ParameterizedTest
    @EnumSource(Fs.class)
    void aWriteThroughOneNameIsReadThroughTheOtherAfterItIsRemoved(Fs fs) throws Exception {
        stack = Stack.mount(fs, tmp, lower);
        Path f = stack.path("d/f"), g = stack.path("d/g");
        Processes.ok("ln", f.toString(), g.toString());
        Processes.ok("sh", "-c", "cat '" + f + "' >/dev/null"); // read while it has two names: its pages are cached
        byte[] patch = new byte[8009];
        new Random(8448).nextBytes(patch);
        try (FileChannel ch = FileChannel.open(g, StandardOpenOption.WRITE)) {
            assertEquals(patch.length, ch.write(ByteBuffer.wrap(patch), 8448));
        }
        Processes.ok("rm", g.toString());

        byte[] expected = Files.readAllBytes(lower.resolve("d/f"));
        System.arraycopy(patch, 0, expected, 8448, patch.length);
        String want = sha256(new java.io.ByteArrayInputStream(expected));
        assertEquals(want, sha256(stack.upper.resolve("d/f")), fs + ": the upper holds the new content");
        assertEquals(want + "  " + f + "\n", Processes.ok("sha256sum", f.toString()), fs + ": sha256sum through the remaining name");
    }

    @ParameterizedTest
    @EnumSource(Fs.class)
    void everyNameShowsTheLinkCountAndChangeTimeOfTheFile(Fs fs) throws Exception {
        stack = Stack.mount(fs, tmp, lower);
        List<String> names = new ArrayList<>(List.of("d/h"));
        FileTime ctime = sameAttributes(names, 1, null, "mounted");

        step(() -> Processes.ok("ln", at("d/h"), at("d/h2")));
        names.add("d/h2");
        ctime = sameAttributes(names, 2, ctime, "after ln d/h d/h2");

        step(() -> Processes.ok("ln", at("d/h"), at("d2/h3")));
        names.add("d2/h3");
        ctime = sameAttributes(names, 3, ctime, "after ln d/h d2/h3");

        step(() -> Processes.ok("rm", at("d/h2")));
        names.remove("d/h2");
        ctime = sameAttributes(names, 2, ctime, "after rm d/h2");

        step(() -> Processes.ok("mv", at("d2/h3"), at("d/h4")));
        names.set(names.indexOf("d2/h3"), "d/h4");
        ctime = sameAttributes(names, 2, ctime, "after mv d2/h3 d/h4");

        Files.writeString(stack.path("d/other"), "replaces a name\n");
        step(() -> Processes.ok("mv", at("d/other"), at("d/h4"))); // the file loses a name to a rename over it
        names.remove("d/h4");
        sameAttributes(names, 1, ctime, "after mv d/other d/h4");
        assertEquals("one file, many names\n", Files.readString(stack.path("d/h")));
    }

    /**
     * A file's node remembers each of its names with the directory node the kernel gave it in.
     * When the kernel drops the dentries of one name and of its directory (memory pressure; here
     * drop_caches), then looks the directory up again, renames it and drops it again, that name's
     * path is no longer known; a request on the file must use the name the kernel reached it by.
     * (jfs answered the link below with ENOENT, building the path d/b from the forgotten nodes.)
     */
    @ParameterizedTest
    @EnumSource(Fs.class)
    void aNameWhoseDirectoryTheKernelForgotAndMovedIsNotTheOneUsed(Fs fs) throws Exception {
        stack = Stack.mount(fs, tmp, lower);
        Files.createDirectories(stack.path("k"));
        Files.writeString(stack.path("k/n1"), "one file, two names\n");
        try (FileChannel pinned = FileChannel.open(stack.path("k/n1"))) { // keeps k/n1's dentry
            Processes.ok("ln", at("k/n1"), at("d/b")); // d/b: the name looked up last
            dropDentries();
            Processes.ok("mv", at("d"), at("x")); // d looked up again, then moved
            dropDentries();
            Processes.ok("ln", at("k/n1"), at("g"));
        }
        assertEquals("one file, two names\n", Files.readString(stack.path("g")), fs.toString());
        assertEquals(3, Files.getAttribute(stack.path("x/b"), "unix:nlink"), fs + ": st_nlink of x/b");
    }

    /** What memory pressure does: the kernel drops the dentries and inodes nothing holds (FORGET to the mount). */
    private static void dropDentries() throws Exception {
        Processes.ok("sync");
        Files.writeString(Path.of("/proc/sys/vm/drop_caches"), "2");
    }

    private String at(String name) {
        return stack.path(name).toString();
    }

    /** Runs a change a little later than the last one, so that a change time that moved can be told from one that did not. */
    private static void step(Runnable change) throws InterruptedException {
        Thread.sleep(30);
        change.run();
    }

    /**
     * Every name shows {@code links} and the same ctime, which moved since {@code before}
     * (the link count changed, or the file was renamed). Each name is looked at, so that the
     * kernel caches what each showed.
     */
    private FileTime sameAttributes(List<String> names, int links, FileTime before, String when) throws Exception {
        FileTime ctime = null;
        for (String n : names) {
            Map<String, Object> a = Files.readAttributes(stack.path(n), "unix:nlink,ctime", LinkOption.NOFOLLOW_LINKS);
            assertEquals(links, a.get("nlink"), stack.fs + ", " + when + ": st_nlink through " + n);
            FileTime c = (FileTime) a.get("ctime");
            if (ctime == null) ctime = c;
            assertEquals(ctime, c, stack.fs + ", " + when + ": st_ctime through " + n + " and " + names.get(0));
        }
        if (before != null) assertNotEquals(before, ctime, stack.fs + ", " + when + ": st_ctime through " + names + " did not change");
        return ctime;
    }
}
