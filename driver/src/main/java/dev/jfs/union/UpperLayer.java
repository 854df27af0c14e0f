package dev.jfs.union;

import dev.jfs.layout.Markers;
import dev.jfs.posix.Posix;
import dev.jfs.posix.Stat;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The writable layer. Only the mount changes it, always under {@link UnionFs}'s write lock, which
 * calls {@link #changed()} after every change: probes are cached per generation, so between
 * changes a lookup costs no system call for what it already asked. Regular files are never
 * cached: writes through open descriptors change their stat without any lock.
 */
final class UpperLayer extends Layer {
    private static final int MAX_CACHED = 1 << 20;

    private record Cached(long generation, Probe probe) {}

    private record CachedOrigin(long generation, long origin) {}

    private final ConcurrentHashMap<String, Cached> probes = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Long, CachedOrigin> origins = new ConcurrentHashMap<>();
    private volatile long generation;
    /** True while a writer holds the lock: its own steps change the upper, so it asks the disk. */
    private volatile boolean writing;

    UpperLayer(String root) {
        super(0, root);
    }

    /** The generation caches built on the upper may use, or -1 while a writer is changing it. */
    long cacheGeneration() {
        return writing ? -1 : generation;
    }

    /** A writer starts: no caching until {@link #changed()}. */
    void changing() {
        writing = true;
    }

    /** A writer is done: forget everything cached. */
    void changed() {
        generation++;
        writing = false;
        if (probes.size() > MAX_CACHED) probes.clear();
        if (origins.size() > MAX_CACHED) origins.clear();
    }

    @Override
    Probe probe(String rel) {
        if (writing) return load(rel);
        long gen = generation;
        Cached c = probes.get(rel);
        if (c != null && c.generation == gen) return c.probe;
        Probe p = load(rel);
        if (!p.isEntry() || p.isDirectory()) probes.put(rel, new Cached(gen, p));
        return p;
    }

    private Probe load(String rel) {
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

    /** The origin inode number recorded on an upper entry at copy-up, or -1; cached per inode. */
    long origin(Stat st, String realPath) {
        if (writing) return Markers.origin(realPath);
        long gen = generation;
        CachedOrigin c = origins.get(st.ino());
        if (c != null && c.generation == gen) return c.origin;
        long origin = Markers.origin(realPath);
        origins.put(st.ino(), new CachedOrigin(gen, origin));
        return origin;
    }

    @Override
    Listing listing(String rel) {
        return sort(rel, Posix.readDir(real(rel)));
    }
}
