package dev.jfs.fuse.adapter;

import static org.junit.jupiter.api.Assertions.*;

import dev.jfs.posix.Errno;
import dev.jfs.posix.FsException;
import dev.jfs.posix.Stat;
import org.junit.jupiter.api.Test;

class NodeTableTest {
    private static Stat stat(long ino, int type) {
        return new Stat(1, ino, type | 0644, 1, 0, 0, 0, 0, 4096, 0, 0, 0, 0, 0, 0, 0);
    }

    private static Stat file(long ino) {
        return stat(ino, Stat.S_IFREG);
    }

    private static Stat dir(long ino) {
        return stat(ino, Stat.S_IFDIR);
    }

    private final NodeTable table = new NodeTable(2);

    @Test
    void hardLinksShareOneNodeAndItsPathIsTheNameLookedUpLast() {
        FsNode d = table.found(table.root(), "d", dir(10));
        FsNode f = table.found(d, "f", file(11));
        FsNode g = table.found(d, "g", file(11));
        assertSame(f, g);
        assertEquals("d/g", table.path(f));
        table.found(d, "f", file(11));
        assertEquals("d/f", table.path(f));
        assertEquals(3, f.lookups);
    }

    @Test
    void aPathFindsTheNodeTheKernelHoldsThereOrNone() {
        FsNode a = table.found(table.root(), "a", dir(10));
        FsNode b = table.found(a, "b", dir(11));
        assertSame(b, table.atPath("a/b"));
        assertSame(a, table.atPath("a"));
        assertNull(table.atPath("a/c"), "never looked up");
        assertNull(table.atPath("x/b"));
        table.renamed(a, "b", table.root(), "b2");
        assertNull(table.atPath("a/b"));
        assertSame(b, table.atPath("b2"));
    }

    @Test
    void aFileWithManyNamesKeepsEachUntilRemoved() {
        FsNode first = null;
        for (int i = 0; i < 40; i++) {
            FsNode n = table.found(table.root(), "l" + i, file(11));
            if (first == null) first = n;
            assertSame(first, n);
            table.found(table.root(), "l" + i, file(11)); // looked up again: one name still
        }
        for (int i = 39; i > 0; i--) {
            table.removed(table.root(), "l" + i);
            assertNull(table.at(table.root(), "l" + i));
            assertTrue(table.named(first));
            assertTrue(table.path(first).matches("l\\d+"), table.path(first));
        }
        assertEquals("l0", table.path(first));
        table.removed(table.root(), "l0");
        assertFalse(table.named(first));
        assertTrue(first.retired);
    }

    @Test
    void aNodeStaysUntilEveryLookupIsForgotten() {
        FsNode f = table.found(table.root(), "f", file(11));
        table.found(table.root(), "f", file(11));
        table.forget(f.id, 1);
        assertSame(f, table.get(f.id));
        table.forget(f.id, 1);
        FsException e = assertThrows(FsException.class, () -> table.get(f.id));
        assertEquals(Errno.ESTALE, e.errno());
        assertEquals(1, table.size());
    }

    @Test
    void theRootIsNeverForgotten() {
        table.forget(NodeTable.ROOT_ID, 100);
        assertSame(table.root(), table.get(NodeTable.ROOT_ID));
    }

    @Test
    void aRemovedNameLeavesTheOtherNamesAndTheLastOneRetiresTheNode() {
        FsNode f = table.found(table.root(), "f", file(11));
        table.found(table.root(), "g", file(11));
        table.removed(table.root(), "g");
        assertEquals("f", table.path(f));
        table.removed(table.root(), "f");
        assertFalse(table.named(f));
        assertEquals(Errno.ENOENT, assertThrows(FsException.class, () -> table.path(f)).errno());
        // A new file given the same inode number (the upper's filesystem reused it) is a new node.
        FsNode again = table.found(table.root(), "f", file(11));
        assertNotSame(f, again);
        assertNotEquals(f.id, again.id);
        assertSame(f, table.get(f.id), "the old node stays until the kernel forgets it");
    }

    @Test
    void anInodeNumberReusedByAnotherTypeIsANewNode() {
        FsNode f = table.found(table.root(), "x", file(11));
        FsNode d = table.found(table.root(), "y", dir(11));
        assertNotSame(f, d);
        assertTrue(f.retired);
    }

    @Test
    void renameMovesTheNameAndUnlinksWhatItReplaced() {
        FsNode a = table.found(table.root(), "a", dir(10));
        FsNode b = table.found(table.root(), "b", dir(20));
        FsNode child = table.found(a, "c", file(30));
        FsNode victim = table.found(b, "c", file(40));
        table.renamed(a, "c", b, "c");
        assertEquals("b/c", table.path(child));
        assertFalse(table.named(victim));
        assertSame(child, table.at(b, "c"));
        assertNull(table.at(a, "c"));
        table.renamed(table.root(), "b", table.root(), "z");
        assertEquals("z/c", table.path(child), "children follow their directory");
    }

    @Test
    void renamingOneNameOfAFileOverAnotherOfItsNamesKeepsTheNode() {
        FsNode f = table.found(table.root(), "f", file(11));
        table.found(table.root(), "g", file(11));
        table.renamed(table.root(), "f", table.root(), "g");
        assertTrue(table.named(f));
        assertEquals("g", table.path(f));
    }

    @Test
    void aDirectoryForgottenAndLookedUpAgainStillFindsItsEntriesByName() {
        FsNode d = table.found(table.root(), "d", dir(10));
        FsNode f = table.found(d, "f", file(11));
        table.forget(d.id, 1); // the kernel dropped the directory's inode, not the file's
        FsNode again = table.found(table.root(), "d", dir(10));
        assertNotSame(d, again);
        assertEquals("d/f", table.path(f));
        table.renamed(table.root(), "d", table.root(), "e");
        assertEquals("e/f", table.path(f), "the file's path follows the directory's live node");
        table.removed(again, "f");
        assertFalse(table.named(f), "removed through the new node of its directory");
        assertTrue(f.retired);
        FsNode reused = table.found(again, "g", file(11));
        assertNotSame(f, reused, "a new file with the removed file's inode number is a new node");
    }

    @Test
    void aFileIsReachedByTheNameTheKernelHoldsWhenItsOtherNamesDirectoryMovedUnseen() {
        FsNode k = table.found(table.root(), "k", dir(10));
        FsNode f = table.found(k, "n1", file(11)); // the kernel keeps this name (an open file)
        FsNode d = table.found(table.root(), "d", dir(20));
        table.found(d, "b", file(11)); // ln k/n1 d/b: the name looked up last
        // Memory pressure: d/b's dentry goes, then d's; the file stays by k/n1.
        table.forget(d.id, 1);
        FsNode again = table.found(table.root(), "d", dir(20));
        table.renamed(table.root(), "d", table.root(), "x"); // mv d x, through the new node
        table.forget(again.id, 1); // forgotten too: no node of the kernel's knows where d went
        assertEquals("k/n1", table.path(f), "the name whose directory the kernel holds, not the gone d/b");
        assertEquals("x/b", table.path(table.found(table.found(table.root(), "x", dir(20)), "b", file(11))),
                "once looked up again, the name looked up last");
    }
}
