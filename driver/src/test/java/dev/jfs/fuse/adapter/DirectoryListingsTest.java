package dev.jfs.fuse.adapter;

import static org.junit.jupiter.api.Assertions.*;

import dev.jfs.fuse.adapter.DirectoryListings.Listing;
import dev.jfs.posix.DirEntry;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DirectoryListingsTest {
    private static final List<DirEntry> THREE = List.of(new DirEntry(".", DirEntry.DT_DIR, 1),
            new DirEntry("..", DirEntry.DT_DIR, 1), new DirEntry("f", DirEntry.DT_REG, 7));

    @Test
    void twoListingsOfOneDirectoryNeverShareAnOffset() {
        DirectoryListings listings = new DirectoryListings();
        Listing a = listings.add(5, THREE), b = listings.add(5, THREE);
        Set<Long> offsets = new HashSet<>();
        for (int i = 0; i < 3; i++) {
            assertTrue(offsets.add(a.offsetAfter(i)));
            assertTrue(offsets.add(b.offsetAfter(i)));
            assertTrue(a.offsetAfter(i) > 0, "the kernel's offsets are signed");
        }
    }

    @Test
    void anOffsetLeadsBackToItsListingAndIndex() {
        DirectoryListings listings = new DirectoryListings();
        Listing a = listings.add(5, THREE);
        listings.add(5, THREE);
        assertSame(a, listings.find(5, a.offsetAfter(1)));
        assertEquals(2, DirectoryListings.indexOf(a.offsetAfter(1)));
        assertNull(listings.find(6, a.offsetAfter(1)), "another directory's offset");
        listings.drop(a);
        assertNull(listings.find(5, a.offsetAfter(1)), "a listing read to its end is dropped");
    }

    @Test
    void offsetsGrowAlongAListingWhateverItsNumber() {
        DirectoryListings listings = new DirectoryListings();
        Listing a = listings.add(5, THREE), b = listings.add(5, THREE);
        assertTrue(b.offsetAfter(0) < a.offsetAfter(1), "a later listing's first offset is below an earlier one's second");
        assertEquals(1, DirectoryListings.indexOf(b.offsetAfter(0)));
    }

    @Test
    void listingsLeftUnfinishedAreBounded() {
        DirectoryListings listings = new DirectoryListings();
        Listing first = listings.add(5, THREE);
        for (int i = 0; i < 10_000; i++) listings.add(5, THREE);
        assertTrue(listings.size() <= 256, "kept: " + listings.size());
        assertNull(listings.find(5, first.offsetAfter(0)), "the oldest unfinished listing is dropped first");
    }
}
