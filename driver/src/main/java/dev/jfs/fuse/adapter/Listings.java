package dev.jfs.fuse.adapter;

import dev.jfs.posix.DirEntry;
import dev.jfs.posix.Errno;
import dev.jfs.posix.FsException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Directories the kernel opened, each with the listing its READDIRs are served from: taken when
 * a listing starts at offset 0, so the offsets of one pass stay meaningful while the directory
 * changes. Entry i has offset i + 1.
 */
final class Listings {
    static final class Listing {
        final FsNode dir;
        volatile List<DirEntry> entries;

        Listing(FsNode dir) {
            this.dir = dir;
        }
    }

    private final Map<Long, Listing> byHandle = new ConcurrentHashMap<>();
    private final AtomicLong next = new AtomicLong(1);

    long open(FsNode dir) {
        long h = next.getAndIncrement();
        byHandle.put(h, new Listing(dir));
        return h;
    }

    Listing get(long handle) {
        Listing l = byHandle.get(handle);
        if (l == null) throw new FsException(Errno.EBADF, "directory handle " + handle);
        return l;
    }

    void release(long handle) {
        byHandle.remove(handle);
    }
}
