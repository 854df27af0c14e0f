package dev.jfs.fuse.adapter;

import dev.jfs.fuse.adapter.DirectoryListings.Listing;
import dev.jfs.fuse.adapter.NameRequests.Held;
import dev.jfs.fuse.protocol.Attr;
import dev.jfs.fuse.protocol.Reply;
import dev.jfs.fuse.protocol.Request;
import dev.jfs.posix.DirEntry;
import dev.jfs.posix.Errno;
import dev.jfs.posix.FsException;
import dev.jfs.posix.Names;
import dev.jfs.posix.Posix;
import dev.jfs.posix.Stat;
import java.util.ArrayList;
import java.util.List;

/**
 * Directory listings: READDIR (names, types and inode numbers) and READDIRPLUS (each name with
 * its entry, so listing and stat-ing a directory costs one round trip per chunk, not one per
 * name). The names come from the listing taken when the directory is read from offset 0
 * ({@link DirectoryListings}); each entry of a READDIRPLUS chunk is looked up afresh when the
 * chunk is served, so a name removed since is not given to the kernel as an entry (a stale
 * dentry would make the next mkdir of that name fail with EEXIST).
 *
 * <p>OPENDIR is refused, which the kernel takes as "open every directory without asking, and
 * keep its listings" (FOPEN_KEEP_CACHE | FOPEN_CACHE_DIR): a directory listed again is served
 * from the kernel's cache until it changes through the mount, which is the only way it changes.
 */
final class DirectoryRequests {
    private static final int DIRENT = 24, ENTRY_OUT = 128;

    private final Mounted m;
    private final NameRequests names;
    private final DirectoryListings listings = new DirectoryListings();

    DirectoryRequests(Mounted m, NameRequests names) {
        this.m = m;
        this.names = names;
    }

    void opendir() {
        throw new FsException(Errno.ENOSYS, "OPENDIR: directories open without a handle");
    }

    /**
     * fsync(2) of a directory: of its upper copy, so that the names made in it survive a crash
     * (the kernel's overlayfs does the same). Synced after the namespace lock is let go.
     */
    void fsyncdir(Request q) {
        int fd;
        try (Held h = names.shared()) {
            fd = m.union.openUpperDirectory(m.nodes.path(m.nodes.get(q.nodeId())));
        }
        if (fd < 0) return;
        try {
            Posix.fsync(fd, (q.u32(8) & 1) != 0);
        } finally {
            Posix.close(fd);
        }
    }

    void readdir(Request q, Reply r, boolean plus) {
        long offset = q.u64(8);
        int size = Math.min(q.u32(16), r.room());
        try (Held h = names.shared()) {
            FsNode dir = m.nodes.get(q.nodeId());
            String dirPath = m.nodes.path(dir);
            Listing listing = offset == 0 ? null : listings.find(dir.id, offset);
            if (listing == null) listing = listings.add(dir.id, list(dir, dirPath));
            List<DirEntry> entries = listing.entries();
            int i = offset == 0 ? 0 : Math.min(DirectoryListings.indexOf(offset), entries.size());
            if (i == entries.size()) {
                listings.drop(listing);
                return;
            }
            int limit = r.mark() + size;
            for (; i < entries.size(); i++) {
                DirEntry e = entries.get(i);
                byte[] name = Names.encode(e.name());
                int record = (plus ? ENTRY_OUT : 0) + align8(DIRENT + name.length);
                if (r.mark() + record > limit) break;
                if (plus) entryOf(r, dir, dirPath, e);
                r.u64(e.ino()).u64(listing.offsetAfter(i)).u32(name.length).u32(e.dtype())
                        .bytes(name, 0, name.length).align8();
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
