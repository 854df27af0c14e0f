package dev.jfs.union;

import dev.jfs.layout.Markers;
import dev.jfs.posix.Posix;
import dev.jfs.posix.Stat;

/** The writable layer: every probe goes to the disk, since the mount itself changes it. */
final class UpperLayer extends Layer {
    UpperLayer(String root) {
        super(0, root);
    }

    @Override
    Probe probe(String rel) {
        Stat st = Posix.lstatOrNull(real(rel));
        if (st == null) {
            if (rel.isEmpty()) return Probe.ABSENT;
            String wh = RelPath.join(RelPath.parent(rel), Markers.WHITEOUT_PREFIX + RelPath.name(rel));
            return Posix.lstatOrNull(real(wh)) != null ? Probe.WHITEOUT : Probe.ABSENT;
        }
        if (st.isWhiteoutDevice()) return Probe.WHITEOUT;
        if (!st.isDirectory()) return Probe.entry(st);
        String real = real(rel);
        return Probe.dir(st, Markers.isOpaque(real), Markers.redirect(real, RelPath.parent(rel)));
    }

    @Override
    Listing listing(String rel) {
        return sort(rel, Posix.readDir(real(rel)));
    }
}
