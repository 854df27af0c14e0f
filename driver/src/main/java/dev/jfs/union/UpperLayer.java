package dev.jfs.union;

import dev.jfs.layout.Markers;
import dev.jfs.posix.Posix;
import dev.jfs.posix.Stat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The writable layer. Only the mount changes it, always under {@link UnionFs}'s write lock. Probes
 * are cached, so a lookup costs no system call for what it already asked. After a change that
 * may reach anywhere (copy-up, whiteout, most renames and rmdirs) the writer calls {@link #changed()}
 * and everything cached goes (a new generation); after one that touches only a few names (a file
 * or an upper-only empty directory made or removed in an upper directory, an upper file renamed
 * between upper directories, attributes of an upper entry) it calls
 * {@link #changedOnly} and only those names and their parents' stat are asked again. Regular
 * files are never cached: writes through open descriptors change their stat without any lock.
 */
final class UpperLayer extends Layer {
    private static final int MAX_CACHED = 1 << 20;

    private record Cached(long generation, Probe probe) {}

    private record CachedOrigin(long generation, long origin) {}

    private final ConcurrentHashMap<String, Cached> probes = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Long, CachedOrigin> origins = new ConcurrentHashMap<>();
    /** Regular files the mount made (O_CREAT), unchanged since: {@link #changed} forgets them all. */
    private final Set<String> madeFiles = ConcurrentHashMap.newKeySet();
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
        madeFiles.clear();
        if (probes.size() > MAX_CACHED) probes.clear();
        if (origins.size() > MAX_CACHED) origins.clear();
    }

    /**
     * A writer is done, having changed only the entries at {@code rels} (see the class comment)
     * and the attributes (mode, owner, size, times, xattrs) of those at {@code attributesOnly}:
     * the cached probes of both go; the parent directories' cached stat (times, size, links) of
     * the first is read again. Opaque and redirect markers are kept: only a structural change
     * sets them. A made file stays one through attribute changes: none adds a capability (a
     * security.capability set goes through {@link #forgetMadeFiles}).
     */
    void changedOnly(List<String> rels, List<String> attributesOnly) {
        // Indexed loops: an iterator is one more allocation per change on C1.
        for (int i = 0; i < rels.size(); i++) {
            String rel = rels.get(i);
            probes.remove(rel);
            madeFiles.remove(rel);
        }
        for (int i = 0; i < attributesOnly.size(); i++) probes.remove(attributesOnly.get(i));
        String restated = null;
        for (int i = 0; i < rels.size(); i++) {
            String rel = rels.get(i);
            if (rel.isEmpty()) continue;
            String parent = RelPath.parent(rel);
            if (parent.equals(restated)) continue; // a rename within one directory
            restatDirectory(parent);
            restated = parent;
        }
        writing = false;
    }

    private void restatDirectory(String rel) {
        Cached c = probes.get(rel);
        if (c == null) return;
        Stat st = c.generation == generation && c.probe.isDirectory() ? Posix.lstatOrNull(real(rel)) : null;
        if (st != null && st.isDirectory()) {
            probes.put(rel, new Cached(generation, Probe.dir(st, c.probe.opaque(), c.probe.redirect())));
        } else {
            probes.remove(rel);
        }
    }

    /** A new entry, made by the mount without an origin. */
    void hasNoOrigin(long ino) {
        origins.put(ino, new CachedOrigin(generation, -1));
    }

    /**
     * A regular file the mount has just made at {@code rel} with O_CREAT (called once the writer
     * is done). Such a file holds no {@code security.capability}: nothing sets it on a new file,
     * and only a setxattr through the mount, which calls {@link #forgetMadeFiles}, could add it.
     * The mark goes with any change of the name, or of anything structural.
     */
    void madeFile(String rel) {
        if (madeFiles.size() >= MAX_CACHED) madeFiles.clear();
        madeFiles.add(rel);
    }

    /**
     * A directory the mount has just made at {@code rel} (called once the writer is done), with
     * its stat: it has no opaque or redirect marker, so the lookup that follows needs no system call.
     */
    void madeDirectory(String rel, Stat st) {
        probes.put(rel, new Cached(generation, Probe.dir(st, false, null)));
    }

    /** Whether {@code rel} is a file the mount made, unchanged since (see {@link #madeFile}). */
    boolean isMadeFile(String rel) {
        return !writing && madeFiles.contains(rel);
    }

    /** A security.capability was set somewhere: on any name of a made file, for all we know. */
    void forgetMadeFiles() {
        madeFiles.clear();
    }

    /** An upper inode is gone (its last name removed): its number may come back for a new file. */
    void forgetOrigin(long ino) {
        origins.remove(ino);
    }

    @Override
    Probe probe(String rel) {
        return probe(rel, true);
    }

    /**
     * A name in a directory only the upper holds (no lower has it, or it is opaque): there a
     * {@code .wh.NAME} file hides nothing, so it is not looked for, and a missing name costs one
     * system call, not two (the first lookup of every file a program creates). A whiteout device
     * at the name itself is still seen. Shares the cache with {@link #probe}: once the directory
     * is the upper's alone, it stays so until a structural change starts a new generation.
     */
    Probe probeAlone(String rel) {
        return probe(rel, false);
    }

    private Probe probe(String rel, boolean whiteoutFiles) {
        if (writing) return load(rel, whiteoutFiles);
        long gen = generation;
        Cached c = probes.get(rel);
        if (c != null && c.generation == gen) return c.probe;
        Probe p = load(rel, whiteoutFiles);
        if (!p.isEntry() || p.isDirectory()) probes.put(rel, new Cached(gen, p));
        return p;
    }

    private Probe load(String rel, boolean whiteoutFiles) {
        Stat st = Posix.lstatOrNull(real(rel));
        if (st == null) {
            if (rel.isEmpty() || !whiteoutFiles || !Markers.fitsWhiteoutFile(RelPath.name(rel))) return Probe.ABSENT;
            String wh = RelPath.join(RelPath.parent(rel), Markers.WHITEOUT_PREFIX + RelPath.name(rel));
            return Posix.lstatOrNull(real(wh)) != null ? Probe.WHITEOUT : Probe.ABSENT;
        }
        if (st.isWhiteoutDevice()) return Probe.WHITEOUT;
        if (!st.isDirectory()) return Probe.entry(st);
        String real = real(rel);
        return Probe.dir(st, Markers.isOpaque(real), Markers.redirect(real));
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
