package dev.jfs.fuse.adapter;

import dev.jfs.posix.Errno;
import dev.jfs.posix.FsException;
import dev.jfs.posix.Stat;
import dev.jfs.union.RelPath;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The node ids the kernel holds: one per union inode, so hard links share one kernel inode (one
 * page cache, one link count). Counts lookups exactly as the kernel does (every entry answered
 * counts one; FORGET subtracts) and drops a node only when its count reaches zero. Node ids are
 * never reused. Keeps each node's names, from which the union path of a request is made.
 *
 * <p>Plain Java, unit-tested without FUSE; all methods are atomic.
 */
final class NodeTable {
    static final long ROOT_ID = 1;

    private final Map<Long, FsNode> byId = new ConcurrentHashMap<>();
    private final Map<Long, FsNode> byIno = new HashMap<>();
    private final Map<FsNode.Link, FsNode> byName = new HashMap<>();
    private final FsNode root;
    private long nextId = ROOT_ID + 1;

    NodeTable(long rootIno) {
        root = new FsNode(ROOT_ID, rootIno, Stat.S_IFDIR);
        root.lookups = 1;
        byId.put(ROOT_ID, root);
        byIno.put(rootIno, root);
    }

    FsNode root() {
        return root;
    }

    /** The node of a request; ESTALE for an id the kernel should no longer hold. */
    FsNode get(long id) {
        FsNode n = byId.get(id);
        if (n == null) throw new FsException(Errno.ESTALE, "node " + id);
        return n;
    }

    /**
     * {@code name} in {@code parent} was found to be the inode {@code st}, and the kernel is told
     * so (one more lookup). The name becomes the node's first.
     */
    synchronized FsNode found(FsNode parent, String name, Stat st) {
        FsNode n = byIno.get(st.ino());
        if (n != null && n.type != st.type()) {
            retire(n);
            n = null;
        }
        if (n == null) {
            n = new FsNode(nextId++, st.ino(), st.type());
            byId.put(n.id, n);
            byIno.put(n.ino, n);
        }
        FsNode.Link link = new FsNode.Link(parent, name);
        FsNode before = byName.remove(link);
        byName.put(link, n);
        if (before != null && before != n) unlinked(before, link);
        n.addLink(link); // replaces an equal link, which may name a directory node the kernel has since forgotten
        n.primary = link;
        n.lookups++;
        return n;
    }

    /** The kernel forgets {@code count} lookups of node {@code id}. */
    synchronized void forget(long id, long count) {
        FsNode n = byId.get(id);
        if (n == null || n == root) return;
        n.lookups -= count;
        if (n.lookups > 0) return;
        byId.remove(id);
        n.forgotten = true;
        if (byIno.get(n.ino) == n) byIno.remove(n.ino);
        for (FsNode.Link l : n.links()) {
            if (byName.get(l) == n) byName.remove(l);
        }
    }

    /** The union path of a node, by its first name; ENOENT if it has none left (unlinked while open). */
    synchronized String path(FsNode n) {
        return pathOf(n, 0);
    }

    /** The path of {@code name} in directory {@code parent}. */
    synchronized String path(FsNode parent, String name) {
        return RelPath.join(pathOf(parent, 0), name);
    }

    /** Built from the node up, one name per directory: its cost grows with the path's length only. */
    private String pathOf(FsNode n, int depth) {
        if (n == root) return "";
        java.util.ArrayList<String> names = null;
        int length = 0;
        for (FsNode at = n; at != root; ) {
            if (!at.hasLinks()) throw new FsException(Errno.ENOENT, "node " + at.id + " has no name left");
            if (depth++ > 4096) throw new FsException(Errno.ELOOP, "node " + n.id);
            FsNode.Link l = nameInUse(at);
            if (names == null) {
                if (l.parent() == root) return l.name(); // the commonest case, a name in the root: no list
                names = new java.util.ArrayList<>();
            }
            names.add(l.name());
            length += l.name().length() + 1;
            FsNode live = liveDirectory(l.parent());
            at = live != null ? live : l.parent();
        }
        StringBuilder b = new StringBuilder(length);
        for (int i = names.size() - 1; i >= 0; i--) {
            b.append(names.get(i));
            if (i > 0) b.append('/');
        }
        return b.toString();
    }

    /**
     * The name a path is built from: the one looked up last, unless the kernel has forgotten its
     * directory and holds no node of that inode since. Such a directory may have moved unseen
     * (looked up again, renamed, forgotten again), so another name is taken, one whose directory
     * the kernel holds: a request names a node the kernel reached by a name it still holds.
     */
    private FsNode.Link nameInUse(FsNode n) {
        FsNode.Link last = n.primary;
        if (liveDirectory(last.parent()) != null) return last;
        for (FsNode.Link l : n.links()) {
            if (liveDirectory(l.parent()) != null) return l;
        }
        return last;
    }

    /**
     * A directory as the kernel holds it now: the node itself, or once forgotten, the live node
     * of its inode it was looked up as again (it knows where the directory is now); else null.
     */
    private FsNode liveDirectory(FsNode dir) {
        if (!dir.forgotten) return dir;
        FsNode live = byIno.get(dir.ino);
        return live != null && live.isDirectory() ? live : null;
    }

    /** The node known by {@code name} in {@code parent}, or null. */
    synchronized FsNode at(FsNode parent, String name) {
        return byName.get(new FsNode.Link(parent, name));
    }

    /** The node the kernel knows at union path {@code path}, or null if it knows none there. */
    synchronized FsNode atPath(String path) {
        FsNode n = root;
        for (String name : path.split("/")) {
            n = byName.get(new FsNode.Link(n, name));
            if (n == null) return null;
        }
        return n;
    }

    /** Whether the node still has a name (else only its open files reach it). */
    synchronized boolean named(FsNode n) {
        return n == root || n.hasLinks();
    }

    /** {@code name} in {@code parent} was removed (unlink, rmdir). */
    synchronized void removed(FsNode parent, String name) {
        removed(parent, name, null);
    }

    /** {@code name} in {@code parent} was removed; a directory's last attributes were {@code directory}. */
    synchronized void removed(FsNode parent, String name, Stat directory) {
        FsNode.Link link = new FsNode.Link(parent, name);
        FsNode n = byName.remove(link);
        if (n != null) {
            unlinked(n, link);
            if (directory != null && !n.hasLinks()) n.removedDirectory = directory;
        }
    }

    /** An entry moved; whatever was at the new name is gone. */
    synchronized void renamed(FsNode fromParent, String fromName, FsNode toParent, String toName) {
        renamed(fromParent, fromName, toParent, toName, null);
    }

    /** An entry moved; whatever was at the new name is gone, a directory whose last attributes were {@code replacedDirectory}. */
    synchronized void renamed(FsNode fromParent, String fromName, FsNode toParent, String toName, Stat replacedDirectory) {
        FsNode.Link from = new FsNode.Link(fromParent, fromName), to = new FsNode.Link(toParent, toName);
        FsNode moved = byName.remove(from);
        FsNode replaced = byName.remove(to);
        if (replaced != null && replaced != moved) {
            unlinked(replaced, to);
            if (replacedDirectory != null && !replaced.hasLinks()) replaced.removedDirectory = replacedDirectory;
        }
        if (moved == null) return;
        moved.removeLink(from);
        moved.addLink(to);
        moved.primary = to;
        byName.put(to, moved);
    }

    /** Two entries swapped names (RENAME_EXCHANGE). */
    synchronized void exchanged(FsNode aParent, String aName, FsNode bParent, String bName) {
        FsNode.Link la = new FsNode.Link(aParent, aName), lb = new FsNode.Link(bParent, bName);
        FsNode a = byName.remove(la), b = byName.remove(lb);
        if (a == b) { // two names of one file: nothing moved
            if (a != null) {
                byName.put(la, a);
                byName.put(lb, a);
            }
            return;
        }
        if (a != null) moveLink(a, la, lb);
        if (b != null) moveLink(b, lb, la);
    }

    private void moveLink(FsNode n, FsNode.Link from, FsNode.Link to) {
        n.removeLink(from);
        n.addLink(to);
        if (from.equals(n.primary)) n.primary = to;
        byName.put(to, n);
    }

    private void unlinked(FsNode n, FsNode.Link link) {
        n.removeLink(link);
        if (link.equals(n.primary)) n.primary = n.anyLink();
        if (!n.hasLinks() && n != root) retire(n);
    }

    private void retire(FsNode n) {
        n.retired = true;
        if (byIno.get(n.ino) == n) byIno.remove(n.ino);
    }

    /** Nodes the kernel holds, root included: for tests. */
    int size() {
        return byId.size();
    }
}
