package dev.jfs.fuse.adapter;

import dev.jfs.posix.DirEntry;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The listings READDIR serves, one per read of a directory from offset 0, found again by the
 * offsets handed to the kernel. An offset is a cookie: the entry's index + 1 in its high 32 bits,
 * the listing's number in its low 32. Index first, so offsets grow along a listing and any
 * position below the largest a reader was given (seekdir) points at an entry, not past the end
 * (xfstests generic/676). The kernel keeps listings (FOPEN_CACHE_DIR) and fills its
 * cache from whichever reader's next entry starts where the cache ends; offsets unique to each
 * listing keep two readers' listings, taken before and after a change, from being spliced into
 * one cached listing with names removed long ago.
 *
 * <p>A listing is dropped once read to its end; listings left unfinished (a reader that
 * stopped early) are bounded. A cookie of a dropped listing is served from a fresh listing at
 * the same index, as a plain index offset would be.
 */
final class DirectoryListings {
    private static final int MAX_LISTINGS = 256;
    private static final long NUMBER_BITS = 32, NUMBER_MASK = (1L << NUMBER_BITS) - 1;
    private static final int MAX_NUMBER = Integer.MAX_VALUE;

    /** One listing: its number, the node listed and its entries (with . and ..). */
    record Listing(long number, long nodeId, List<DirEntry> entries) {
        /** The kernel's offset of the entry after index {@code i}. */
        long offsetAfter(int i) {
            return ((i + 1L) << NUMBER_BITS) | number;
        }
    }

    private final Map<Long, Listing> listings = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Listing> eldest) {
            return size() > MAX_LISTINGS;
        }
    };
    private long lastNumber;

    /** Keeps a new listing of {@code nodeId}. */
    synchronized Listing add(long nodeId, List<DirEntry> entries) {
        lastNumber = lastNumber == MAX_NUMBER ? 1 : lastNumber + 1;
        Listing l = new Listing(lastNumber, nodeId, entries);
        listings.put(l.number, l);
        return l;
    }

    /** The listing {@code offset} points into, if it is still kept and of this node. */
    synchronized Listing find(long nodeId, long offset) {
        Listing l = listings.get(offset & NUMBER_MASK);
        return l != null && l.nodeId == nodeId ? l : null;
    }

    synchronized void drop(Listing l) {
        listings.remove(l.number);
    }

    synchronized int size() {
        return listings.size();
    }

    /** The index of the entry an offset points to (the one after the entry it was given with). */
    static int indexOf(long offset) {
        return (int) Math.min(offset >>> NUMBER_BITS, Integer.MAX_VALUE);
    }
}
