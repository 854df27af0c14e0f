package dev.jfs.fuse.adapter;

import dev.jfs.fuse.protocol.Attr;
import dev.jfs.fuse.protocol.Reply;
import dev.jfs.fuse.protocol.Request;
import dev.jfs.posix.Errno;
import dev.jfs.posix.FsException;
import dev.jfs.posix.Posix;
import dev.jfs.posix.Stat;
import dev.jfs.union.Caller;
import dev.jfs.union.UnionFs;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.locks.Lock;

/** Requests about names and attributes: lookups, making and removing names, renames, xattrs. */
final class NameRequests {
    private static final int FATTR_MODE = 1, FATTR_UID = 2, FATTR_GID = 4, FATTR_SIZE = 8, FATTR_ATIME = 16,
            FATTR_MTIME = 32, FATTR_FH = 64, FATTR_ATIME_NOW = 128, FATTR_MTIME_NOW = 256;
    private static final int GETATTR_FH = 1;
    private static final int RENAME_NOREPLACE = 1, RENAME_EXCHANGE = 2;
    private static final int NAME_MAX = 255;

    private final Mounted m;
    /**
     * What releases the namespace lock, one of each made once: a method reference made per
     * request is an allocation through the VM on the C1 compiler the daemon runs.
     */
    private final Held releaseShared, releaseExclusive;

    NameRequests(Mounted m) {
        this.m = m;
        Lock shared = m.shared(), exclusive = m.exclusive();
        this.releaseShared = shared::unlock;
        this.releaseExclusive = exclusive::unlock;
    }

    void lookup(Request q, Reply r) {
        try (Held h = shared()) {
            FsNode parent = m.nodes.get(q.nodeId());
            String name = q.name(0);
            if (q.stringLength(0) > NAME_MAX) throw new FsException(Errno.ENAMETOOLONG, name);
            Stat st = m.union.find(m.nodes.path(parent, name));
            if (st == null) {
                Attr.negativeEntry(r, m.negativeTimeout);
                return;
            }
            m.entry(r, parent, name, st);
        }
    }

    void forget(Request q) {
        m.nodes.forget(q.nodeId(), q.u64(0));
    }

    void batchForget(Request q) {
        int count = q.u32(0);
        for (int i = 0; i < count; i++) m.nodes.forget(q.u64(8 + 16 * i), q.u64(16 + 16 * i));
    }

    void getattr(Request q, Reply r) {
        try (Held h = shared()) {
            FsNode n = m.nodes.get(q.nodeId());
            Stat st;
            if (q.bodyLength() >= 16 && (q.u32(0) & GETATTR_FH) != 0 && !m.nodes.named(n)) {
                st = Mounted.unnamed(Posix.fstat(m.files.get(q.u64(8)).fd), n);
            } else {
                st = m.stat(n);
            }
            Attr.attrOut(r, st, n.ino, m.attrTimeout);
        }
    }

    void setattr(Request q, Reply r) {
        try (Held h = shared()) {
            FsNode n = m.nodes.get(q.nodeId());
            int valid = q.u32(0);
            OpenFile f = (valid & FATTR_FH) != 0 ? m.files.get(q.u64(8)) : null;
            UnionFs.Attributes change = attributes(q, valid);
            Stat st;
            if (m.nodes.named(n)) {
                OpenFile w = f != null && f.writable && f.inUpper ? f : null;
                if (change.size() >= 0 && w != null) {
                    // ftruncate(2): on the descriptor, which the file's name may no longer reach
                    Posix.ftruncate(w.fd, change.size());
                    change = change.withSize(-1);
                }
                st = m.union.setattr(m.nodes.path(n), change);
                m.followCopyUp(n);
            } else {
                OpenFile byFd = f != null ? f : m.files.anyOf(n);
                if (byFd == null) throw new FsException(Errno.ENOENT, "node " + n.id);
                byFd(byFd.fd, change);
                st = Mounted.unnamed(Posix.fstat(byFd.fd), n);
            }
            Attr.attrOut(r, st, n.ino, m.attrTimeout);
        }
    }

    private static UnionFs.Attributes attributes(Request q, int valid) {
        UnionFs.Attributes a = UnionFs.Attributes.NONE;
        if ((valid & FATTR_MODE) != 0) a = a.withMode(q.u32(68) & 07777);
        if ((valid & (FATTR_UID | FATTR_GID)) != 0) {
            a = a.withOwner((valid & FATTR_UID) != 0 ? q.u32(76) : -1, (valid & FATTR_GID) != 0 ? q.u32(80) : -1);
        }
        if ((valid & FATTR_SIZE) != 0) a = a.withSize(q.u64(16));
        if ((valid & (FATTR_ATIME | FATTR_MTIME | FATTR_ATIME_NOW | FATTR_MTIME_NOW)) != 0) {
            long[] t = times(q, valid);
            a = a.withTimes(t[0], t[1], t[2], t[3]);
        }
        return a;
    }

    /** The changes made on a file with no name left, through a descriptor open on it. */
    private static void byFd(int fd, UnionFs.Attributes a) {
        if (a.uid() != -1 || a.gid() != -1) Posix.fchown(fd, a.uid(), a.gid());
        if (a.mode() >= 0) Posix.fchmod(fd, a.mode());
        if (a.size() >= 0) Posix.ftruncate(fd, a.size());
        long[] t = a.times();
        if (t != null) Posix.futimens(fd, t[0], t[1], t[2], t[3]);
    }

    /** atime and mtime as utimensat(2) takes them: a time, UTIME_NOW, or UTIME_OMIT for the one not set. */
    private static long[] times(Request q, int valid) {
        long[] t = {0, Posix.UTIME_OMIT, 0, Posix.UTIME_OMIT};
        if ((valid & FATTR_ATIME_NOW) != 0) t[1] = Posix.UTIME_NOW;
        else if ((valid & FATTR_ATIME) != 0) {
            t[0] = q.u64(32);
            t[1] = q.u32(56) & 0xffffffffL;
        }
        if ((valid & FATTR_MTIME_NOW) != 0) t[3] = Posix.UTIME_NOW;
        else if ((valid & FATTR_MTIME) != 0) {
            t[2] = q.u64(40);
            t[3] = q.u32(60) & 0xffffffffL;
        }
        return t;
    }

    void readlink(Request q, Reply r) {
        try (Held h = shared()) {
            FsNode n = m.nodes.get(q.nodeId());
            byte[] target = dev.jfs.posix.Names.encode(m.union.readlink(m.nodes.path(n)));
            r.bytes(target, 0, target.length);
        }
    }

    void mknod(Request q, Reply r) {
        made(q, r, 16, (path, caller) -> m.union.mknod(path, q.u32(0), Attr.decodeDev(q.u32(4)), caller));
    }

    void mkdir(Request q, Reply r) {
        made(q, r, 8, (path, caller) -> m.union.mkdir(path, q.u32(0), caller));
    }

    void symlink(Request q, Reply r) {
        String target = q.name(q.after(0));
        made(q, r, 0, (path, caller) -> m.union.symlink(target, path, caller));
    }

    private interface Maker {
        void make(String path, Caller caller);
    }

    private void made(Request q, Reply r, int nameAt, Maker maker) {
        try (Held h = shared()) {
            FsNode parent = m.nodes.get(q.nodeId());
            String name = q.name(nameAt);
            String path = m.nodes.path(parent, name);
            maker.make(path, new Caller(q.uid(), q.gid()));
            m.entry(r, parent, name, m.union.getattr(path));
        }
    }

    void link(Request q, Reply r) {
        try (Held h = shared()) {
            FsNode parent = m.nodes.get(q.nodeId());
            FsNode old = m.nodes.get(q.u64(0));
            String name = q.name(8);
            String path = m.nodes.path(parent, name);
            m.union.link(m.nodes.path(old), path);
            m.followCopyUp(old);
            m.entry(r, parent, name, m.union.getattr(path));
        }
    }

    void unlink(Request q, Reply r) {
        try (Held h = exclusive()) {
            FsNode parent = m.nodes.get(q.nodeId());
            String name = q.name(0);
            m.union.unlink(m.nodes.path(parent, name));
            m.nodes.removed(parent, name);
        }
    }

    void rmdir(Request q, Reply r) {
        try (Held h = exclusive()) {
            FsNode parent = m.nodes.get(q.nodeId());
            String name = q.name(0);
            String path = m.nodes.path(parent, name);
            Stat last = lastAttributesOfDirectory(m.nodes.at(parent, name), path);
            m.union.rmdir(path);
            m.nodes.removed(parent, name, last);
        }
    }

    void rename(Request q, Reply r, boolean withFlags) {
        int names = withFlags ? 16 : 8;
        int flags = withFlags ? q.u32(8) : 0;
        if (flags != 0 && flags != RENAME_NOREPLACE && flags != RENAME_EXCHANGE) {
            throw new FsException(Errno.EINVAL, "rename flags " + flags);
        }
        try (Held h = exclusive()) {
            FsNode fromParent = m.nodes.get(q.nodeId());
            FsNode toParent = m.nodes.get(q.u64(0));
            String fromName = q.name(names), toName = q.name(q.after(names));
            String to = m.nodes.path(toParent, toName);
            if (flags == RENAME_EXCHANGE) {
                m.union.exchange(m.nodes.path(fromParent, fromName), to);
                m.nodes.exchanged(fromParent, fromName, toParent, toName);
                for (FsNode moved : new FsNode[] {m.nodes.at(toParent, toName), m.nodes.at(fromParent, fromName)}) {
                    if (moved != null) m.followCopyUp(moved);
                }
                return;
            }
            if ((flags & RENAME_NOREPLACE) != 0 && exists(to)) throw new FsException(Errno.EEXIST, "/" + to);
            Stat replaced = lastAttributesOfDirectory(m.nodes.at(toParent, toName), to);
            m.union.rename(m.nodes.path(fromParent, fromName), to);
            m.nodes.renamed(fromParent, fromName, toParent, toName, replaced);
            FsNode moved = m.nodes.at(toParent, toName);
            if (moved != null) m.followCopyUp(moved);
        }
    }

    /**
     * The attributes of a directory the kernel holds at {@code path}, taken before it is removed
     * or replaced: a descriptor open on it still answers fstat (generic/035). Null for others.
     */
    private Stat lastAttributesOfDirectory(FsNode n, String path) {
        if (n == null || !n.isDirectory()) return null;
        try {
            return m.union.getattr(path);
        } catch (FsException e) {
            return null; // the removal itself reports what is wrong
        }
    }

    private boolean exists(String path) {
        try {
            m.union.getattr(path);
            return true;
        } catch (FsException e) {
            if (e.errno() == Errno.ENOENT) return false;
            throw e;
        }
    }

    void statfs(Reply r) {
        long[] v = m.union.statfs(); // bsize, frsize, blocks, bfree, bavail, files, ffree, favail, fsid, flag, namemax
        r.u64(v[2]).u64(v[3]).u64(v[4]).u64(v[5]).u64(v[6]);
        r.u32((int) v[0]).u32((int) v[10]).u32((int) v[1]).u32(0).zeros(24);
    }

    // ---- xattrs --------------------------------------------------------------------------------

    void getxattr(Request q, Reply r) {
        try (Held h = shared()) {
            FsNode n = m.nodes.get(q.nodeId());
            int size = q.u32(0);
            OpenFile f = m.nodes.named(n) ? null : m.files.anyOf(n);
            String name = q.name(8);
            byte[] v = f != null ? m.union.getxattrOrNull(f.fd, name) : m.union.getxattrOrNull(m.nodes.path(n), name);
            // ENODATA answered here, not thrown: the kernel asks before writes, and mostly hears that
            if (v == null) r.error(Errno.ENODATA);
            else sized(r, size, v);
        }
    }

    void listxattr(Request q, Reply r) {
        try (Held h = shared()) {
            FsNode n = m.nodes.get(q.nodeId());
            StringBuilder sb = new StringBuilder();
            OpenFile f = m.nodes.named(n) ? null : m.files.anyOf(n);
            for (String name : f != null ? m.union.listxattr(f.fd) : m.union.listxattr(m.nodes.path(n))) {
                sb.append(name).append('\0');
            }
            sized(r, q.u32(0), sb.toString().getBytes(StandardCharsets.UTF_8));
        }
    }

    /** A value, or its size when asked with size 0; ERANGE if it does not fit. */
    private static void sized(Reply r, int size, byte[] v) {
        if (size == 0) {
            r.u32(v.length).u32(0);
        } else if (v.length > size) {
            throw new FsException(Errno.ERANGE, "xattr of " + v.length + " bytes");
        } else {
            r.bytes(v, 0, v.length);
        }
    }

    void setxattr(Request q, Reply r) {
        try (Held h = shared()) {
            FsNode n = m.nodes.get(q.nodeId());
            int size = q.u32(0), flags = q.u32(4);
            String name = q.name(8);
            byte[] value = q.bytes(q.after(8), size);
            m.union.setxattr(m.nodes.path(n), name, value, flags);
            m.followCopyUp(n);
        }
    }

    void removexattr(Request q, Reply r) {
        try (Held h = shared()) {
            FsNode n = m.nodes.get(q.nodeId());
            m.union.removexattr(m.nodes.path(n), q.name(0));
            m.followCopyUp(n);
        }
    }

    // ---- locking -------------------------------------------------------------------------------

    /** A namespace lock held for one request, released by try-with-resources. */
    interface Held extends AutoCloseable {
        @Override
        void close();
    }

    Held shared() {
        m.shared().lock();
        return releaseShared;
    }

    Held exclusive() {
        m.exclusive().lock();
        return releaseExclusive;
    }
}
