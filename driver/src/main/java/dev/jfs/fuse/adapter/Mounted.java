package dev.jfs.fuse.adapter;

import dev.jfs.fuse.protocol.Attr;
import dev.jfs.fuse.protocol.Attr.Timeout;
import dev.jfs.fuse.protocol.Reply;
import dev.jfs.fuse.session.FuseDevice;
import dev.jfs.posix.Stat;
import dev.jfs.union.UnionFs;
import java.util.List;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * What the request handlers of one mount share: the union, the kernel's nodes and open files,
 * the cache timeouts, and the namespace lock. Requests that remove or move names (UNLINK,
 * RMDIR, RENAME) hold it exclusively; every other request that turns a node into a path holds it
 * shared until done with that path, so no path is used after its entry moved. Data requests on
 * open files take no lock.
 */
final class Mounted {
    final UnionFs union;
    final NodeTable nodes;
    final OpenFiles files = new OpenFiles();
    final Timeout entryTimeout, attrTimeout, negativeTimeout;
    private final ReentrantReadWriteLock namespace = new ReentrantReadWriteLock();
    /** The connection, once INIT is done: for telling the kernel of changes it did not see. */
    private volatile FuseDevice device;

    Mounted(UnionFs union, double entrySeconds, double attrSeconds, double negativeSeconds) {
        this.union = union;
        this.nodes = new NodeTable(union.getattr("").ino());
        this.entryTimeout = Timeout.of(entrySeconds);
        this.attrTimeout = Timeout.of(attrSeconds);
        this.negativeTimeout = Timeout.of(negativeSeconds);
        union.onDirectoriesCopiedUp(this::attributesChanged);
    }

    void connected(FuseDevice device) {
        this.device = device;
    }

    /**
     * The kernel forgets what it caches of the attributes of the nodes at these paths: a change
     * of other names altered them (a directory copied up as a parent now shows st_nlink 1).
     */
    private void attributesChanged(List<String> paths) {
        FuseDevice d = device;
        if (d == null) return;
        for (String p : paths) {
            FsNode n = nodes.atPath(p);
            if (n != null) d.invalidateAttributes(n.id);
        }
    }

    ReentrantReadWriteLock.ReadLock shared() {
        return namespace.readLock();
    }

    ReentrantReadWriteLock.WriteLock exclusive() {
        return namespace.writeLock();
    }

    /**
     * Answers with the entry {@code name} in {@code parent} now is ({@code st}), counting the
     * kernel's lookup. A file with several names is given no entry timeout: each use of a name
     * is looked up again, so the node knows the name in use (a copy-up goes to that name, as
     * on the kernel's overlayfs).
     */
    FsNode entry(Reply r, FsNode parent, String name, Stat st) {
        FsNode n = nodes.found(parent, name, st);
        Timeout entry = !st.isDirectory() && st.nlink() > 1 ? Timeout.NONE : entryTimeout;
        Attr.entry(r, n.id, st, st.ino(), entry, attrTimeout);
        return n;
    }

    /** The kernel forgets the attributes it caches of {@code n}. */
    void attributesChanged(FsNode n) {
        FuseDevice d = device;
        if (d != null) d.invalidateAttributes(n.id);
    }

    /** The node's attributes: by its name, or from an open descriptor once it has none. */
    Stat stat(FsNode n) {
        if (nodes.named(n)) {
            try {
                return union.getattr(nodes.path(n));
            } catch (dev.jfs.posix.FsException e) {
                if (files.anyOf(n) == null) throw e;
            }
        }
        OpenFile f = files.anyOf(n);
        if (f == null) {
            Stat removed = removedDirectory(n);
            if (removed != null) return unnamed(removed, n);
            throw new dev.jfs.posix.FsException(dev.jfs.posix.Errno.ENOENT, "node " + n.id);
        }
        return unnamed(dev.jfs.posix.Posix.fstat(f.fd), n);
    }

    private Stat removedDirectory(FsNode n) {
        synchronized (nodes) {
            return n.removedDirectory;
        }
    }

    /** What an open file with no name left shows: its own attributes, the node's inode number, no links. */
    static Stat unnamed(Stat s, FsNode n) {
        return new Stat(s.dev(), n.ino, s.mode(), 0, s.uid(), s.gid(), s.rdev(), s.size(), s.blksize(), s.blocks(),
                s.atimeSec(), s.atimeNsec(), s.mtimeSec(), s.mtimeNsec(), s.ctimeSec(), s.ctimeNsec());
    }

    /** Descriptors still on the lower copy of {@code n} move to its upper copy, if it has one now. */
    void followCopyUp(FsNode n) {
        if (n.isDirectory() || !nodes.named(n)) return;
        // Asked first, without a lambda: most changes find no open file on a lower.
        List<OpenFile> lower = files.onLower(n);
        if (lower != null) files.moveUp(lower, union.openFile(nodes.path(n), dev.jfs.posix.Posix.O_RDONLY));
    }
}
