package dev.jfs.union;

import static dev.jfs.union.Layers.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.jfs.layout.UpperFormat;
import dev.jfs.posix.Posix;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
}
