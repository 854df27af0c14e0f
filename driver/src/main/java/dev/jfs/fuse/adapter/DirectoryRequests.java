package dev.jfs.fuse.adapter;

import dev.jfs.fuse.adapter.NameRequests.Held;
import dev.jfs.fuse.protocol.Attr;
import dev.jfs.fuse.protocol.Reply;
import dev.jfs.fuse.protocol.Request;
import dev.jfs.posix.DirEntry;
import dev.jfs.posix.Errno;
import dev.jfs.posix.FsException;
import dev.jfs.posix.Names;
import dev.jfs.posix.Stat;
import java.util.ArrayList;
import java.util.List;

/**
 * Directory listings: READDIR (names, types and inode numbers) and READDIRPLUS (each name with
 * its entry, so listing and stat-ing a directory costs one round trip per chunk, not one per
 * name). The names come from the listing taken at offset 0; each entry of a READDIRPLUS chunk
 * is looked up afresh when the chunk is served, so a name removed since is not given to the
 * kernel as an entry (a stale dentry would make the next mkdir of that name fail with EEXIST).
 *
 * <p>Each open directory has its own listing, and the kernel is not asked to keep listings
 * (FOPEN_CACHE_DIR): with its cache, a process listing a directory that another had listed
 * while a third changed it was given names already removed.
 */
final class DirectoryRequests {
    private static final int DIRENT = 24, ENTRY_OUT = 128;

    private final Mounted m;
    private final NameRequests names;

    DirectoryRequests(Mounted m, NameRequests names) {
        this.m = m;
        this.names = names;
    }

    private final java.util.Map<Long, Listing> open = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicLong handles = new java.util.concurrent.atomic.AtomicLong(1);

    /** One open directory's listing, taken when it is read from offset 0. */
    private static final class Listing {
        volatile List<DirEntry> entries;
    }

    void opendir(Request q, Reply r) {
        m.nodes.get(q.nodeId());
        long h = handles.getAndIncrement();
        open.put(h, new Listing());
        r.u64(h).u32(0).u32(0);
    }

    void releasedir(Request q) {
        open.remove(q.u64(0));
    }

    void readdir(Request q, Reply r, boolean plus) {
        long offset = q.u64(8);
        int size = Math.min(q.u32(16), r.room());
        Listing listing = open.get(q.u64(0));
        if (listing == null) throw new FsException(Errno.EBADF, "directory handle " + q.u64(0));
        try (Held h = names.shared()) {
            FsNode dir = m.nodes.get(q.nodeId());
            String dirPath = m.nodes.path(dir);
            List<DirEntry> entries = listing.entries;
            if (offset == 0 || entries == null) listing.entries = entries = list(dir, dirPath);
            int limit = r.mark() + size;
            int i = (int) Math.min(offset, entries.size());
            for (; i < entries.size(); i++) {
                DirEntry e = entries.get(i);
                byte[] name = Names.encode(e.name());
                int record = (plus ? ENTRY_OUT : 0) + align8(DIRENT + name.length);
                if (r.mark() + record > limit) break;
                if (plus) entryOf(r, dir, dirPath, e);
                r.u64(e.ino()).u64(i + 1).u32(name.length).u32(e.dtype()).bytes(name, 0, name.length).align8();
            }
        }
    }

    /** The entry of one listed name, looked up now; none (node id 0) for . and .. and names gone since. */
    private void entryOf(Reply r, FsNode dir, String dirPath, DirEntry e) {
        if (e.name().equals(".") || e.name().equals("..")) {
            r.zeros(ENTRY_OUT);
            return;
        }
        Stat st;
        try {
            st = m.union.getattr(dirPath.isEmpty() ? e.name() : dirPath + "/" + e.name());
        } catch (FsException gone) {
            if (gone.errno() != Errno.ENOENT && gone.errno() != Errno.ENOTDIR) throw gone;
            r.zeros(ENTRY_OUT);
            return;
        }
        m.entry(r, dir, e.name(), st);
    }

    private List<DirEntry> list(FsNode dir, String dirPath) {
        List<DirEntry> children = m.union.readdir(dirPath);
        List<DirEntry> all = new ArrayList<>(children.size() + 2);
        all.add(new DirEntry(".", DirEntry.DT_DIR, dir.ino));
        FsNode parent = dir == m.nodes.root() ? dir : parentOf(dir);
        all.add(new DirEntry("..", DirEntry.DT_DIR, parent != null ? parent.ino : dir.ino));
        all.addAll(children);
        return all;
    }

    private FsNode parentOf(FsNode dir) {
        synchronized (m.nodes) {
            return dir.primary == null ? null : dir.primary.parent();
        }
    }

    private static int align8(int n) {
        return (n + 7) & ~7;
    }
}
