package dev.jfs.union;

import dev.jfs.posix.DirEntry;
import java.util.List;
import java.util.Set;

/** One layer's directory with markers sorted out: the entries it shows and the names it whites out. */
record Listing(List<DirEntry> entries, Set<String> whiteouts) {
    static final Listing EMPTY = new Listing(List.of(), Set.of());
}
