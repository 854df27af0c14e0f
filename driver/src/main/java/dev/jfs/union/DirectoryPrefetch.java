package dev.jfs.union;

import dev.jfs.posix.DirEntry;
import dev.jfs.posix.Posix;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Reads ahead the small files of one lower layer's directory once a file in it is opened to read.
 *
 * <p>A program that reads one file of a directory tends to read its neighbours next: tar, cp -r,
 * rsync, a compiler with its headers, an interpreter with its modules. The kernel reads ahead
 * within a file, never across files, so on a cold cache each small file's first read waits for
 * the disk, one file after another, and through FUSE each wait also costs the daemon a sleep and
 * a wake-up. Here the first read-open of a lower file hands the directory's other small files to
 * a background thread, which asks the kernel to read each into the page cache ({@code
 * posix_fadvise(WILLNEED)}: the reads are queued without waiting, and a disk serves many at once).
 *
 * <p>Lower layers never change while mounted, so nothing read ahead is ever stale, and only the
 * page cache is warmed: what the mount answers does not change. Once per directory of a layer
 * for the life of the mount; files of up to {@link #SMALL_FILE}, at most {@link #BUDGET} bytes a
 * directory, so that opening one file of a large directory costs at most that much memory that
 * the kernel may reclaim at will.
 *
 * <p>A directory listed through the mount has its subdirectories looked up ahead the same way
 * ({@link #listed}): each one's inode, its listing and the inodes of its files, which is what
 * the mount itself reads when a walker (find, tar, du, ls -R) lists it next. Cold, each of these
 * waits for the disk, and a walker through FUSE asks for one directory at a time; here several
 * directories wait at once. What is read goes into this layer's caches, which hold every
 * directory the mount lists for its life anyway: the mount answers the same.
 */
final class DirectoryPrefetch {
    /** Larger files are left to the kernel's own readahead, which starts at their first read. */
    static final long SMALL_FILE = 256 << 10;
    static final long BUDGET = 8 << 20;

    /**
     * Two threads: an open waits for the disk where the file's inode is not cached yet (most are:
     * a listing through the mount stats every name), and one slow directory must not hold up the
     * next.
     */
    private static final ExecutorService READERS = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "prefetch");
        t.setDaemon(true);
        return t;
    });

    /**
     * Four threads for lookups ahead: each waits for the disk most of the time, and cold walks of
     * the benchmark's 50k-file tree gained little past four directories at once on 2 cores.
     */
    private static final ExecutorService LOOKUPS = Executors.newFixedThreadPool(4, r -> {
        Thread t = new Thread(r, "lookahead");
        t.setDaemon(true);
        return t;
    });

    private final LowerLayer layer;
    /** Layer-relative directories already read ahead (or being read). */
    private final Set<String> started = ConcurrentHashMap.newKeySet();
    /** Layer-relative directories whose next sibling was read ahead (or looked for). */
    private final Set<String> nextStarted = ConcurrentHashMap.newKeySet();
    /** Layer-relative directories whose subdirectories were looked up ahead (or are being). */
    private final Set<String> listed = ConcurrentHashMap.newKeySet();

    DirectoryPrefetch(LowerLayer layer) {
        this.layer = layer;
    }

    /**
     * The file at {@code fileRel} of this layer was opened to read. Returns at once. Its
     * directory is read ahead, and the first time, the directory after it in their parent's
     * listing too: a reader going through a tree (tar, cp -r) opens that one next, and its first
     * file then finds its data read or on the way instead of waiting for the disk.
     */
    void opened(String fileRel) {
        String dir = RelPath.parent(fileRel);
        if (started.add(dir)) READERS.execute(() -> readSmallFiles(dir, RelPath.name(fileRel)));
        if (!dir.isEmpty() && nextStarted.add(dir)) READERS.execute(() -> readNextDirectory(dir));
    }

    private void readNextDirectory(String dirRel) {
        String next;
        try {
            next = nextDirectory(dirRel);
        } catch (RuntimeException e) {
            return; // a hint only
        }
        if (next != null && started.add(next)) readSmallFiles(next, null);
    }

    /** The directory listed after {@code dirRel} in its parent, or null. */
    private String nextDirectory(String dirRel) {
        String parent = RelPath.parent(dirRel), name = RelPath.name(dirRel);
        List<DirEntry> siblings = layer.listing(parent).entries();
        for (int i = 0; i < siblings.size(); i++) {
            if (!siblings.get(i).name().equals(name)) continue;
            for (int j = i + 1; j < siblings.size(); j++) {
                if (siblings.get(j).dtype() == DirEntry.DT_DIR) return RelPath.join(parent, siblings.get(j).name());
            }
            return null;
        }
        return null;
    }

    /** The directory at {@code dirRel} of this layer was listed through the mount. Returns at once. */
    void listed(String dirRel) {
        if (!listed.add(dirRel)) return;
        for (DirEntry e : layer.listing(dirRel).entries()) {
            if (e.dtype() == DirEntry.DT_DIR) LOOKUPS.execute(() -> lookUpAhead(RelPath.join(dirRel, e.name())));
        }
    }

    /**
     * Reads what listing {@code dirRel} through the mount will ask: the directory, its listing,
     * the inodes of its entries. Not its subdirectories' listings (a probe of a directory reads
     * its listing too): that would read two levels ahead, and over many lowers, the whole tree's
     * directories of every layer while the walker is still at the top.
     */
    private void lookUpAhead(String dirRel) {
        try {
            Probe p = layer.probe(dirRel); // its inode and, being a directory, its listing
            if (!p.isDirectory()) return;
            for (DirEntry e : layer.listing(dirRel).entries()) {
                if (e.dtype() != DirEntry.DT_DIR) layer.probe(RelPath.join(dirRel, e.name()));
            }
        } catch (RuntimeException e) {
            // a hint only: whatever fails here, the mount's own lookup meets it
        }
    }

    /**
     * In listing order from the opened file on (from the first if none was), then those before
     * it: the order a reader goes.
     */
    private void readSmallFiles(String dir, String opened) {
        List<DirEntry> entries;
        try {
            entries = layer.listing(dir).entries();
        } catch (RuntimeException e) {
            return; // a hint only
        }
        int from = 0;
        while (opened != null && from < entries.size() && !entries.get(from).name().equals(opened)) from++;
        if (from == entries.size()) from = 0;
        long budget = BUDGET;
        for (int i = 0; i < entries.size() && budget > 0; i++) {
            DirEntry e = entries.get((from + i) % entries.size());
            if (e.dtype() == DirEntry.DT_REG) budget -= readAhead(RelPath.join(dir, e.name()), budget);
        }
    }

    /** Queues the reads of one small file; returns the bytes asked for (0 for a file left alone). */
    private long readAhead(String rel, long budget) {
        try {
            Probe p = layer.probe(rel);
            if (!p.isEntry() || !p.stat().isRegular()) return 0;
            long size = p.stat().size();
            if (size == 0 || size > SMALL_FILE || size > budget) return 0;
            int fd = Posix.open(layer.real(rel), Posix.O_RDONLY | Posix.O_NOFOLLOW | Posix.O_NONBLOCK, 0);
            try {
                return Posix.willNeed(fd, size) ? size : 0;
            } finally {
                Posix.close(fd);
            }
        } catch (RuntimeException e) {
            return 0; // a hint only: whatever fails here, the reader's own read meets it
        }
    }
}
