package dev.jfs.union;

import static dev.jfs.union.Layers.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.jfs.layout.UpperFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** st_nlink as the union shows it, as the kernel's overlayfs (index=on) shows it: no FUSE. */
class UnionLinkCountTest {
    @TempDir Path tmp;
    TwoLowers layers;

    @BeforeEach
    void layers() throws Exception {
        layers = twoLowers(tmp);
    }

    UnionFs open(UpperFormat format) {
        return UnionFs.open(layers.stack(), format);
    }

    long nlink(UnionFs fs, String path) {
        return fs.getattr(path).nlink();
    }

    @Test
    void mergedDirectoriesShowOneLinkTheOthersTheirOwn() {
        UnionFs fs = open(UpperFormat.KERNEL);
        assertEquals(1, nlink(fs, ""), "the root merges every layer's");
        assertEquals(1, nlink(fs, "etc"), "in both lowers");
        assertEquals(2, nlink(fs, "opq"), "opaque in the top lower: that lower's alone");
        assertEquals(3, nlink(fs, "d"), "the bottom lower's alone: its own count");
        assertEquals(2, nlink(fs, "d/sub"));
        assertEquals(1, fs.setattr("d", UnionFs.Attributes.NONE.withMode(0700)).nlink(), "copied up: merged");
        assertEquals(1, nlink(fs, "d"));
        fs.mkdir("new", 0755, null);
        fs.mkdir("new/a", 0755, null);
        assertEquals(3, nlink(fs, "new"), "the upper's alone");
        fs.rename("d", "d2");
        assertEquals(1, nlink(fs, "d2"), "renamed, its redirect still merges the lower's");
        fs.unlink("opq/new");
        fs.rmdir("opq");
        fs.mkdir("opq", 0755, null);
        assertEquals(2, nlink(fs, "opq"), "made over a whiteout: opaque, the upper's alone");
    }

    /** A lower file with names a, b and c (links/c in another directory). */
    void threeNames() throws Exception {
        Path a = file(layers.bottom(), "links/a", "one\n");
        Files.createLink(layers.bottom().resolve("links/b"), a);
        Files.createLink(dir(layers.bottom(), "other").resolve("c"), a);
    }

    void assertNames(UnionFs fs, long expected, String... paths) {
        for (String p : paths) assertEquals(expected, nlink(fs, p), p);
    }

    @ParameterizedTest
    @EnumSource(UpperFormat.class)
    void aLowerFileWithSeveralNamesCountsTheNamesTheUnionShows(UpperFormat format) throws Exception {
        threeNames();
        UnionFs fs = open(format);
        assertNames(fs, 3, "links/a", "links/b", "other/c");
        assertEquals(3, fs.setattr("links/a", UnionFs.Attributes.NONE.withMode(0600)).nlink(), "copied up: not the index's name");
        assertNames(fs, 3, "links/a", "links/b", "other/c");
        fs.utimens("links/b", 1, 0, 1, 0); // a second name linked to the copy
        assertNames(fs, 3, "links/a", "links/b", "other/c");
        fs.link("links/a", "made");
        assertNames(fs, 4, "links/a", "links/b", "other/c", "made");
        fs.unlink("other/c"); // a lower name alone: whited out
        assertNames(fs, 3, "links/a", "links/b", "made");
        fs.rename("links/b", "moved");
        assertNames(fs, 3, "links/a", "moved", "made");
        fs.unlink("made"); // a name only the upper has
        assertNames(fs, 2, "links/a", "moved");

        UnionFs again = open(format); // a remount reads the count back
        assertNames(again, 2, "links/a", "moved");
        again.unlink("moved");
        assertNames(again, 1, "links/a");
    }

    @Test
    void removingOrReplacingALowerNameBeforeAnyCopyUpCountsTheOthers() throws Exception {
        threeNames();
        Path x = file(layers.bottom(), "x", "x\n");
        Files.createLink(layers.bottom().resolve("y"), x);
        UnionFs fs = open(UpperFormat.KERNEL);
        fs.unlink("links/a"); // copied into the index, under no name of the upper
        assertNames(fs, 2, "links/b", "other/c");
        fs.rename("x", "other/c"); // over a lower name of the same copy: one fewer
        assertNames(fs, 1, "links/b");
        assertNames(fs, 2, "other/c", "y");
        fs.rename("other/c", "y"); // the same file: nothing changes
        assertNames(fs, 2, "other/c", "y");
        UnionFs again = open(UpperFormat.KERNEL);
        assertNames(again, 1, "links/b");
        assertNames(again, 2, "other/c", "y");
    }

    @Test
    void aNewFileRenamedOverAnUpperNameOfTheCopyCountsOneFewer() throws Exception {
        threeNames();
        UnionFs fs = open(UpperFormat.KERNEL);
        fs.link("links/a", "made"); // copied up, indexed; "made" only the upper has
        assertNames(fs, 4, "links/a", "links/b", "other/c", "made");
        dev.jfs.posix.Posix.close(fs.create("new", 0644, 0, null).fd());
        fs.rename("new", "made"); // upper file over upper name, in upper directories: the quick rename
        assertNames(fs, 3, "links/a", "links/b", "other/c");
        assertEquals(1, nlink(fs, "made"));
        assertNames(open(UpperFormat.KERNEL), 3, "links/a", "links/b", "other/c");
    }


    String[] indexEntries() {
        String[] names = layers.work().resolve("jfs-index").toFile().list();
        return names == null ? new String[0] : names;
    }

    @ParameterizedTest
    @EnumSource(UpperFormat.class)
    void theIndexCopyGoesWithTheLastNameTheUnionShowsAsOnOverlayfs(UpperFormat format) throws Exception {
        threeNames();
        UnionFs fs = open(format);
        fs.setattr("links/a", UnionFs.Attributes.NONE.withMode(0600)); // copied up and indexed
        fs.link("links/a", "made");
        assertEquals(1, indexEntries().length);
        int fd = fs.open("made", dev.jfs.posix.Posix.O_RDONLY);
        try {
            for (String p : new String[] {"links/a", "links/b", "other/c"}) fs.unlink(p);
            assertEquals(1, indexEntries().length, "one name left");
            assertNames(fs, 1, "made");
            fs.unlink("made");
            assertEquals(0, indexEntries().length, "no name left: the copy is gone from the index");
            byte[] got = new byte[16];
            int n = dev.jfs.posix.Posix.readFully(fd, got);
            assertEquals("one\n", new String(got, 0, n), "an open descriptor still reads it");
        } finally {
            dev.jfs.posix.Posix.close(fd);
        }
        UnionFs again = open(format);
        for (String p : new String[] {"links/a", "links/b", "other/c", "made"}) assertNull(again.find(p), p);
    }

    @Test
    void aLowerFileRemovedByEveryNameLeavesNoCopy() throws Exception {
        threeNames();
        UnionFs fs = open(UpperFormat.KERNEL);
        fs.unlink("links/a"); // copied into the index, under no name of the upper
        fs.rename("links/b", "moved");
        assertEquals(1, indexEntries().length);
        fs.unlink("moved");
        fs.unlink("other/c");
        assertEquals(0, indexEntries().length);
        assertNull(open(UpperFormat.KERNEL).find("other/c"));
    }

    @Test
    void aCountRecordedRelativeToTheCopysOwnIsReadAsOverlayfsReadsIt() {
        assertEquals(2, HardlinkIndex.recordedNames("U-1", 3));
        assertEquals(5, HardlinkIndex.recordedNames("U+2", 3));
        assertEquals(3, HardlinkIndex.recordedNames("U+0", 3));
        assertEquals(3, HardlinkIndex.recordedNames(null, 3), "none recorded (an older upper): the copy's own");
        assertEquals(3, HardlinkIndex.recordedNames("U-3", 3), "no names left makes no sense: the copy's own");
        assertEquals(3, HardlinkIndex.recordedNames("L+1", 3), "relative to a lower jfs does not know here");
        assertEquals(3, HardlinkIndex.recordedNames("U+x", 3));
    }
}
