package dev.jfs.union;

import static dev.jfs.union.Layers.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.jfs.layout.UpperFormat;
import dev.jfs.posix.DirEntry;
import dev.jfs.posix.Posix;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Renamed directories across layers, looked up as overlayfs looks them up (redirect_dir=on):
 * the layers below a redirect walk its path from their roots, and the directories on that path
 * steer them (a redirect of their own, an opaque directory, a whiteout), each in its own layer.
 * Every case here was checked against a kernel overlay mount of the same layers.
 */
class RedirectLookupTest {
    @TempDir Path tmp;
    Path top, mid, bottom;

    private void layers() throws IOException {
        top = dir(tmp, "top");
        mid = dir(tmp, "mid");
        bottom = dir(tmp, "bottom");
    }

    private static void redirect(Path layer, String rel, String target) throws IOException {
        Posix.setxattr(dir(layer, rel).toString(), "trusted.overlay.redirect", target.getBytes(StandardCharsets.UTF_8), 0);
    }

    private TreeSet<String> names(String path) {
        return names(UnionView.open(new LayerStack(List.of(top, mid, bottom), null, null)), path);
    }

    private static TreeSet<String> names(UnionView v, String path) {
        Node n = v.lookup(path);
        assertNotNull(n, "/" + path);
        TreeSet<String> names = new TreeSet<>();
        for (DirEntry e : v.readdir(n)) {
            names.add(e.name());
            assertNotNull(v.child(n, e.name()), "/" + path + " lists " + e.name() + ", so it can be looked up");
        }
        return names;
    }

    /** Differential seed 169: /n2 was /var, then /n2/log became /usr; /var/log's files are /usr's. */
    @Test
    void aRedirectThroughARenamedAncestorFollowsTheAncestorsRedirect() throws IOException {
        layers();
        redirect(top, "usr", "/n2/log");
        redirect(mid, "n2", "var"); // a kernel's relative redirect
        file(mid, "n2/log/f1", "");
        file(bottom, "var/log/f0", "");
        file(bottom, "n2/log/stale", ""); // what the path /n2/log held before the rename: hidden
        assertEquals(new TreeSet<>(List.of("f0", "f1")), names("usr"));
    }

    @Test
    void aRelativeRedirectIsLookedUpInTheParentsOwnLowerDirectories() throws IOException {
        layers();
        redirect(top, "a", "/x");
        redirect(top, "a/c", "b");
        file(bottom, "x/b/f", "");
        file(bottom, "a/b/other", ""); // the merged parent's path: not where its lower contents are
        assertEquals(new TreeSet<>(List.of("f")), names("a/c"));
    }

    @Test
    void anOpaqueDirectoryOnTheWayHidesTheLayersBelow() throws IOException {
        layers();
        redirect(top, "c", "/a/b");
        opaqueXattr(mid, "a");
        file(mid, "a/b/g", "");
        file(bottom, "a/b/hidden", "");
        assertEquals(new TreeSet<>(List.of("g")), names("c"));
    }

    @Test
    void anAbsoluteRedirectBelowAnOpaqueDirectoryStillLeadsDown() throws IOException {
        layers();
        redirect(top, "c", "/a/b");
        opaqueXattr(mid, "a");
        redirect(mid, "a/b", "/x");
        file(bottom, "x/f", "");
        file(bottom, "a/b/hidden", "");
        assertEquals(new TreeSet<>(List.of("f")), names("c"));
    }

    @Test
    void aWhiteoutOnTheWayHidesTheLayersBelow() throws IOException {
        layers();
        redirect(top, "c", "/a/b");
        file(top, "c/mine", "");
        whiteoutDevice(mid, "a");
        file(bottom, "a/b/hidden", "");
        assertEquals(new TreeSet<>(List.of("mine")), names("c"));
    }

    /**
     * A directory renamed away from below a renamed ancestor: its redirect names the path the
     * merged view showed (/n2/log), which the layers below resolve through n2's redirect. The
     * lower layer's own path (/var/log) would lead into the whiteout the first rename left.
     */
    @Test
    void aRenameBelowALowerRenamedDirectoryRedirectsToThePathTheViewShowed() throws IOException {
        layers();
        redirect(mid, "n2", "/var");
        whiteoutDevice(mid, "var");
        file(bottom, "var/log/f0", "");
        LayerStack stack = new LayerStack(List.of(mid, bottom), tmp.resolve("upper"), tmp.resolve("work")).validate();
        UnionFs.open(stack, UpperFormat.KERNEL).rename("n2/log", "usr");
        assertEquals(new TreeSet<>(List.of("f0")), names(UnionView.open(stack), "usr"), "after the rename, as a new mount sees it");
        assertEquals("/n2/log", new String(Posix.getxattr(tmp.resolve("upper/usr").toString(), "trusted.overlay.redirect"),
                StandardCharsets.UTF_8), "what the kernel writes for the same rename");
    }
}
