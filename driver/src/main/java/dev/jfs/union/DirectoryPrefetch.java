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

    private final LowerLayer layer;
    /** Layer-relative directories already read ahead (or being read). */
    private final Set<String> started = ConcurrentHashMap.newKeySet();

    DirectoryPrefetch(LowerLayer layer) {
        this.layer = layer;
    }

    /** The file at {@code fileRel} of this layer was opened to read. Returns at once. */
    void opened(String fileRel) {
        String dir = RelPath.parent(fileRel);
        if (started.add(dir)) READERS.execute(() -> readSmallFiles(dir, RelPath.name(fileRel)));
    }

    /** In listing order from the opened file on, then those before it: the order a reader goes. */
    private void readSmallFiles(String dir, String opened) {
        List<DirEntry> entries = layer.listing(dir).entries();
        int from = 0;
        while (from < entries.size() && !entries.get(from).name().equals(opened)) from++;
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
