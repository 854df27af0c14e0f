package dev.jfs.union;

import dev.jfs.layout.Markers;
import dev.jfs.posix.DirEntry;
import dev.jfs.posix.Posix;
import dev.jfs.posix.Stat;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One directory of the stack. {@link UpperLayer} asks the disk every time (it changes under the
 * mount); {@link LowerLayer} is immutable while mounted and caches what it learns.
 */
abstract sealed class Layer permits UpperLayer, LowerLayer {
    final int index;
    final String root;

    Layer(int index, String root) {
        this.index = index;
        this.root = root;
    }

    /** The real path of a layer-relative path. */
    final String real(String rel) {
        return rel.isEmpty() ? root : RelPath.concat(root, rel);
    }

    /** What this layer holds at {@code rel}, judged within this layer only. */
    abstract Probe probe(String rel);

    /** {@link #probe(String)} for a caller that has {@code rel} as {@code name} in {@code parentRel} already. */
    Probe probe(String rel, String parentRel, String name) {
        return probe(rel);
    }

    /** A directory of this layer: its entries (markers removed, d_type known) and whiteouts. */
    abstract Listing listing(String rel);

    /** Sorts one directory's raw names into entries and whiteouts, in every format SPEC 2 lists. */
    final Listing sort(String rel, List<DirEntry> raw) {
        List<DirEntry> entries = new ArrayList<>(raw.size());
        Set<String> whiteouts = new HashSet<>();
        String real = real(rel);
        for (DirEntry e : raw) {
            String n = e.name();
            if (n.equals(Markers.OPAQUE_MARKER)) continue;
            String hidden = Markers.whitedOutName(n);
            if (hidden != null) {
                whiteouts.add(hidden);
                continue;
            }
            int type = e.dtype();
            if (type == DirEntry.DT_UNKNOWN || type == DirEntry.DT_CHR) {
                Stat s = Posix.lstatOrNull(real + "/" + n);
                if (s == null) continue; // removed while we read
                if (s.isWhiteoutDevice()) {
                    whiteouts.add(n);
                    continue;
                }
                type = DirEntry.dtypeOf(s.mode());
            }
            entries.add(type == e.dtype() ? e : new DirEntry(n, type, e.ino()));
        }
        return new Listing(entries, whiteouts);
    }

    @Override
    public String toString() {
        return (index == 0 && this instanceof UpperLayer ? "upper " : "lower " + index + " ") + root;
    }
}
