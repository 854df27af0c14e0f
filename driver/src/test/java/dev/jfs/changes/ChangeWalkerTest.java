package dev.jfs.changes;

import static dev.jfs.union.Layers.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.jfs.layout.UpperFormat;
import dev.jfs.posix.Posix;
import dev.jfs.posix.Stat;
import dev.jfs.union.Caller;
import dev.jfs.union.LayerStack;
import dev.jfs.union.UnionFs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code jfs diff} semantics (SPEC 4) on changes made through the union in-process, in both
 * upper marker formats: each kind of change, the parents listed before what they hold, and
 * what is not a change (a copy-up left equal, a file made and deleted again).
 */
class ChangeWalkerTest {
    @org.junit.jupiter.api.io.TempDir Path tmp;
    Path top, bottom, upper, work;

    @BeforeEach
    void layers() throws Exception {
        top = Files.createDirectories(tmp.resolve("top"));
        bottom = Files.createDirectories(tmp.resolve("bottom"));
        upper = tmp.resolve("upper");
        work = tmp.resolve("work");
        file(bottom, "etc/hosts", "localhost\n");
        file(bottom, "etc/motd", "hello\n");
        file(bottom, "etc/same", "same\n");
        file(bottom, "srv/a/one", "1\n");
        file(bottom, "srv/a/two", "2\n");
        file(bottom, "opt/tool/bin", "bin\n");
        file(bottom, "var/cache/x", "x\n");
        file(top, "usr/lib/libc", "libc\n");
        file(top, "usr/lib/sub/deep", "deep\n");
        Files.createLink(top.resolve("usr/lib/libc.link"), top.resolve("usr/lib/libc"));
    }

    UnionFs mount(UpperFormat format) {
        return UnionFs.open(new LayerStack(List.of(top, bottom), upper, work).validate(), format);
    }

    /** The diff lines, the same from the full walk and from the paths-only one jfs diff takes. */
    List<String> diff() {
        List<String> lines = new ArrayList<>(), fromPaths = new ArrayList<>();
        ChangeWalker.walk(StackViews.open(new LayerStack(List.of(top, bottom), upper, work)),
                new DiffReport(l -> lines.add(l.toString())));
        ChangeWalker.walkPaths(StackViews.open(new LayerStack(List.of(top, bottom), upper, work)),
                new DiffReport(l -> fromPaths.add(l.toString())));
        assertEquals(lines, fromPaths, "walkPaths lists what walk lists");
        return lines;
    }

    @ParameterizedTest
    @EnumSource(UpperFormat.class)
    void eachKindOfChangeIsListedOnceInTreeOrder(UpperFormat format) {
        UnionFs fs = mount(format);
        append(fs, "etc/motd", "more\n");                // C, and its parent C
        fs.unlink("etc/hosts");                          // D
        fs.rename("usr/lib", "usr/lib64");               // D the old name, A the new one and all it holds
        fs.unlink("srv/a/one");
        fs.unlink("srv/a/two");
        fs.rmdir("srv/a");
        fs.mkdir("srv/a", 0755, Caller.ROOT);            // made again: D, then its new contents A
        create(fs, "srv/a/one", "new one\n");
        fs.mkdir("new", 0700, Caller.ROOT);              // A
        create(fs, "new/file", "n\n");
        fs.unlink("opt/tool/bin");
        fs.rmdir("opt/tool");
        create(fs, "opt/tool", "a file where a directory was\n"); // C, and what the directory held D

        assertEquals(List.of(
                "C /etc",
                "D /etc/hosts",
                "C /etc/motd",
                "A /new",
                "A /new/file",
                "C /opt",
                "C /opt/tool",
                "D /opt/tool/bin",
                "C /srv",
                "D /srv/a",
                "C /srv/a/one",                   // existed below, and differs
                "C /usr",
                "D /usr/lib",
                "A /usr/lib64",
                "A /usr/lib64/libc",
                "A /usr/lib64/libc.link",
                "A /usr/lib64/sub",
                "A /usr/lib64/sub/deep"), diff());
    }

    @ParameterizedTest
    @EnumSource(UpperFormat.class)
    void aCopyUpLeftEqualAndAFileMadeAndDeletedAreNoChange(UpperFormat format) {
        UnionFs fs = mount(format);
        fs.chmod("etc/same", Posix.lstat(bottom.resolve("etc/same").toString()).permissions()); // copied up, same mode
        fs.utimens("etc/motd", 0, 0, 12345, 0);          // copied up, only the mtime differs
        create(fs, "var/tmpfile", "t\n");
        fs.unlink("var/tmpfile");                        // never existed below: not a D
        fs.mkdir("var/d", 0755, Caller.ROOT);
        fs.rmdir("var/d");
        create(fs, "var/.fuse_hidden0000001a00000001", "deleted while open\n"); // libfuse's, for an open deleted file
        assertTrue(Files.exists(upper.resolve("etc/same")), "the test must really copy up");
        assertEquals(List.of(), diff());
    }

    @ParameterizedTest
    @EnumSource(UpperFormat.class)
    void writingOneNameOfALowerHardLinkChangesBoth(UpperFormat format) {
        UnionFs fs = mount(format);
        append(fs, "usr/lib/libc", "patched\n");
        assertEquals(List.of("C /usr", "C /usr/lib", "C /usr/lib/libc", "C /usr/lib/libc.link"), diff());
    }

    @ParameterizedTest
    @EnumSource(UpperFormat.class)
    void attributeChangesAreChanges(UpperFormat format) {
        UnionFs fs = mount(format);
        fs.chmod("etc/hosts", 0600);
        fs.chown("etc/motd", 1000, 1000);
        fs.setxattr("var/cache/x", "user.note", "v".getBytes(StandardCharsets.UTF_8), 0);
        fs.chmod("srv", 0700);
        assertEquals(List.of("C /etc", "C /etc/hosts", "C /etc/motd", "C /srv", "C /var", "C /var/cache",
                "C /var/cache/x"), diff());
    }
}
