package dev.jfs.union;

import dev.jfs.layout.Markers;
import dev.jfs.posix.DirEntry;
import dev.jfs.posix.Posix;
import dev.jfs.posix.Stat;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A read-only layer. Lower layers never change while mounted (SPEC 3), so each directory is read
 * once and each entry stat'ed once; after that, lookups through this layer cost no system call.
 * A layer with a {@link LayerIndex} (the store's layers) is read from that one file instead of
 * its directories and inodes.
 */
final class LowerLayer extends Layer {
    /**
     * A directory of this layer as first read: its stat, names, and the overlay markers it
     * carries; read from an index, also the stat of each entry that is not a directory (else null).
     */
    record Dir(Stat stat, Listing listing, Map<String, Integer> types, boolean opaque, String redirect,
               Map<String, Stat> stats) {}

    private static final Dir NOT_A_DIR = new Dir(null, Listing.EMPTY, Map.of(), false, null, null);
    /** Stands for "no index" once looked for, so that it is looked for once. */
    private static final Object NO_INDEX = new Object();

    private final ConcurrentHashMap<String, Dir> dirs = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Probe> probes = new ConcurrentHashMap<>();
    private final DirectoryPrefetch prefetch = new DirectoryPrefetch(this);
    /** null until first needed; then the {@link LayerIndex} or {@link #NO_INDEX}. */
    private volatile Object layerIndex;

    LowerLayer(int index, String root) {
        super(index, root);
    }

    /** The layer read from its directories only, as {@link LayerIndex#write} needs. */
    static LowerLayer unindexed(String root) {
        LowerLayer l = new LowerLayer(0, root);
        l.layerIndex = NO_INDEX;
        return l;
    }

    /** Whether this layer is read through an index. */
    boolean indexed() {
        return index() != null;
    }

    private LayerIndex index() {
        Object i = layerIndex;
        if (i == null) {
            synchronized (this) {
                i = layerIndex;
                if (i == null) {
                    LayerIndex found = LayerIndex.open(root);
                    i = found != null ? found : NO_INDEX;
                    layerIndex = i;
                }
            }
        }
        return i == NO_INDEX ? null : (LayerIndex) i;
    }

    @Override
    Probe probe(String rel) {
        return rel.isEmpty() ? dirProbe(rel, false) : probe(rel, RelPath.parent(rel), RelPath.name(rel));
    }

    /** {@link #probe(String)} of {@code rel}, which is {@code name} in {@code parentRel}. */
    @Override
    Probe probe(String rel, String parentRel, String name) {
        // Read from an index, a probe is a look into a cached directory: keeping it too would
        // only add to the heap (with 100 lowers, a tenth of it).
        if (indexed()) return load(rel, parentRel, name);
        Probe p = probes.get(rel);
        if (p == null) {
            p = load(rel, parentRel, name);
            probes.put(rel, p);
        }
        return p;
    }

    private Probe load(String rel, String parentRel, String name) {
        Dir parent = dir(parentRel);
        Integer type = parent.types.get(name);
        boolean whitedOut = parent.listing.whiteouts().contains(name);
        if (type == null) return whitedOut ? Probe.WHITEOUT : Probe.ABSENT;
        if (type != DirEntry.DT_DIR) {
            Stat indexed = parent.stats == null ? null : parent.stats.get(name);
            return Probe.entry(indexed != null ? indexed : Posix.lstat(real(rel)));
        }
        // OCI: a whiteout hides the layers below, not an entry of its own layer; a directory
        // beside its own whiteout was made again, so nothing below shows through it.
        return dirProbe(rel, whitedOut);
    }

    private Probe dirProbe(String rel, boolean forceOpaque) {
        Dir d = dir(rel);
        if (d != NOT_A_DIR) return Probe.dir(d.stat, forceOpaque || d.opaque, d.redirect);
        // Not listed as a directory by its parent, or gone: whatever is there now.
        Stat st = Posix.lstatOrNull(real(rel));
        if (st == null) return Probe.ABSENT;
        if (!st.isDirectory()) return Probe.entry(st);
        return Probe.dir(st, forceOpaque, Markers.redirect(real(rel)));
    }

    /** The file at {@code realPath}, in this layer, was opened to read: read its neighbours ahead. */
    void openedToRead(String realPath) {
        prefetch.opened(realPath.substring(root.length() + 1));
    }

    /**
     * This layer's directory {@code rel} was listed through the mount: look its subdirectories up
     * ahead, unless an index holds them (then the lookups wait for no disk).
     */
    void listed(String rel) {
        if (!indexed()) prefetch.listed(rel);
    }

    /** Whether {@code rel} was probed already, or is in an index: no disk read is left to save. */
    boolean probed(String rel) {
        return probes.containsKey(rel) || indexed();
    }

    /** Whether this layer's directory {@code parentRel} holds a directory {@code name}. */
    boolean holdsDirectory(String parentRel, String name) {
        Integer type = dir(parentRel).types.get(name);
        return type != null && type == DirEntry.DT_DIR;
    }

    @Override
    Listing listing(String rel) {
        return dir(rel).listing;
    }

    /**
     * The directory at {@code rel}, read once. Each component is checked to be a real directory
     * of this layer, so a symlink inside a layer is never followed as a path.
     */
    Dir dir(String rel) {
        Dir d = dirs.get(rel);
        if (d != null) return d;
        if (!rel.isEmpty()) {
            Integer type = dir(RelPath.parent(rel)).types.get(RelPath.name(rel));
            if (type == null || type != DirEntry.DT_DIR) {
                dirs.put(rel, NOT_A_DIR);
                return NOT_A_DIR;
            }
        }
        d = read(rel);
        dirs.put(rel, d);
        return d;
    }

    private Dir read(String rel) {
        LayerIndex ix = index();
        if (ix != null) {
            Dir d = ix.dir(rel);
            if (d != null) return d;
        }
        String real = real(rel);
        Stat st = Posix.lstatOrNull(real);
        if (st == null || !st.isDirectory()) return NOT_A_DIR;
        var raw = Posix.readDir(real);
        Listing listing = sort(rel, raw);
        Map<String, Integer> found = new HashMap<>(listing.entries().size() * 2);
        for (DirEntry e : listing.entries()) found.put(e.name(), e.dtype());
        // Kept for the mount's life: an immutable copy holds its names in one array, where a
        // HashMap holds an object per name, which every collection until then copies.
        Map<String, Integer> types = Map.copyOf(found);
        // One listxattr instead of four getxattr (opaque and redirect, trusted. and user.): most
        // layer directories carry no overlay xattr, and a walk over 100 lowers reads 100 copies of each.
        boolean marked = Markers.anyOverlayXattr(Posix.listxattr(real));
        boolean opaque = raw.stream().anyMatch(e -> e.name().equals(Markers.OPAQUE_MARKER))
                || marked && Markers.isOpaqueByXattr(real);
        return new Dir(st, listing, types, opaque, marked ? Markers.redirect(real) : null, null);
    }
}
