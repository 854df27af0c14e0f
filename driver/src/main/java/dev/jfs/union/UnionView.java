package dev.jfs.union;

import dev.jfs.copyup.WorkDir;
import dev.jfs.layout.Markers;
import dev.jfs.posix.DirEntry;
import dev.jfs.posix.Errno;
import dev.jfs.posix.FsException;
import dev.jfs.posix.Posix;
import dev.jfs.posix.Stat;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The merged view of a layer stack, read-only: lookup top-down through the layers, whiteouts and
 * opaque directories, overlayfs redirects, hard-link index, merged readdir and inode numbers.
 * Plain Java over {@link Posix}; no FUSE. {@link UnionFs} adds the writing side.
 *
 * <p>Not locked: callers that also write (the mount) serialize through {@link UnionFs}.
 */
public final class UnionView {
    private final Layer[] layers;
    private final boolean hasUpper;
    private final HardlinkIndex index;
    private final ConcurrentHashMap<Long, Integer> devices = new ConcurrentHashMap<>();
    private final AtomicInteger nextDevice = new AtomicInteger();
    private volatile Node root;

    /** Merged directories by path, valid while the upper keeps its generation. */
    private record CachedDir(long generation, Node node) {}

    private static final int MAX_CACHED_DIRS = 1 << 18;
    private final ConcurrentHashMap<String, CachedDir> dirs = new ConcurrentHashMap<>();

    /**
     * For directories merged from many lower layers: which lower source first holds each name
     * (an entry or a whiteout). Built from lower listings, which never change, so never stale.
     * Keyed by the directory's lower sources. Makes a lookup through 100 lowers jump to the one
     * layer that has the name instead of asking each.
     */
    private static final int INDEXED_FROM_SOURCES = 4;
    private final ConcurrentHashMap<String, Map<String, Integer>> lowerIndexes = new ConcurrentHashMap<>();

    private UnionView(Layer[] layers, boolean hasUpper, HardlinkIndex index) {
        this.layers = layers;
        this.hasUpper = hasUpper;
        this.index = index;
        for (Layer l : layers) deviceIndex(Posix.lstat(l.root).dev());
    }

    /**
     * The merged view of a stack. With no upper ({@code stack.upper() == null}) it is the view of
     * the lowers alone: what the image looked like before the container changed it.
     */
    public static UnionView open(LayerStack stack) {
        List<Layer> ls = new ArrayList<>();
        if (stack.upper() != null) ls.add(new UpperLayer(stack.upper().toString()));
        int i = ls.size();
        for (Path p : stack.lowers()) ls.add(new LowerLayer(i++, p.toString()));
        HardlinkIndex idx = stack.upper() != null && stack.work() != null
                ? new HardlinkIndex(new WorkDir(stack.work().toString()).index()) : null;
        return new UnionView(ls.toArray(Layer[]::new), stack.upper() != null, idx);
    }

    /** Whether only the upper holds directory {@code dir}: no lower has it, or it is opaque. */
    private boolean upperAlone(Node dir) {
        return hasUpper && dir.sourceLayers.length == 1 && dir.sourceLayers[0] == 0;
    }

    /**
     * The upper's probe of {@code rel}, a name in merged directory {@code dir}: where the upper
     * holds that directory alone, a {@code .wh.NAME} file beside it hides nothing and is not
     * looked for ({@link UpperLayer#probeAlone}).
     */
    Probe upperProbe(Node dir, String rel) {
        UpperLayer upper = (UpperLayer) layers[0];
        return upperAlone(dir) ? upper.probeAlone(rel) : upper.probe(rel);
    }

    public boolean hasUpper() {
        return hasUpper;
    }

    int layerCount() {
        return layers.length;
    }

    Layer layer(int i) {
        return layers[i];
    }

    HardlinkIndex index() {
        return index;
    }

    /**
     * Whether a node may hold something the lowers do not: it comes from the upper, or from the
     * hard-link index, or (a directory) the upper is one of its sources.
     */
    public boolean touchesUpper(Node n) {
        return hasUpper && (n.layer == 0 || n.indexed || (n.sourceLayers.length > 0 && n.sourceLayers[0] == 0));
    }

    /** The real path of a merged directory's source {@code i} (see {@link Node#sourceCount()}). */
    public String sourceRealPath(Node dir, int i) {
        return layers[dir.sourceLayers[i]].real(dir.sourcePaths[i]);
    }

    /**
     * Whether some lower file with several names has been copied up into the hard-link index:
     * its other names then show the upper copy although nothing of theirs is in the upper.
     */
    public boolean hardLinkIndexInUse() {
        return index != null && index.inUse();
    }

    // ---- lookup --------------------------------------------------------------------------------

    /** The merged root, freshly stat'ed. */
    public Node root() {
        Node r = rootBase();
        return new Node("", Posix.lstat(r.realPath), r.layer, r.realPath, false, r.sourceLayers, r.sourcePaths);
    }

    /**
     * The root as a base for lookups: every layer's root down to the first opaque one. Cached;
     * its stat is not kept fresh, so it is never returned to callers.
     */
    private Node rootBase() {
        Node r = root;
        if (r == null) {
            List<Integer> ls = new ArrayList<>();
            for (Layer l : layers) {
                Probe p = l.probe("");
                if (!p.isDirectory()) continue;
                ls.add(l.index);
                if (p.opaque()) break;
            }
            int[] srcL = ls.stream().mapToInt(Integer::intValue).toArray();
            String[] srcP = new String[srcL.length];
            java.util.Arrays.fill(srcP, "");
            Layer top = layers[srcL[0]];
            r = new Node("", Posix.lstat(top.root), top.index, top.root, false, srcL, srcP);
            root = r;
        }
        return r;
    }

    /** The node at a merged path, or null if nothing is there. */
    public Node lookup(String path) {
        if (path.isEmpty()) return root();
        long gen = cacheGeneration();
        String parentPath = RelPath.parent(path);
        if (gen >= 0 && !parentPath.isEmpty()) {
            CachedDir c = dirs.get(parentPath);
            if (c != null && c.generation == gen) {
                Node n = child(c.node, RelPath.name(path));
                if (n != null && n.isDirectory()) cacheDir(path, n, gen);
                return n;
            }
        }
        Node n = rootBase();
        int start = 0;
        while (true) {
            if (!n.isDirectory()) return null;
            int slash = path.indexOf('/', start);
            String name = slash < 0 ? path.substring(start) : path.substring(start, slash);
            n = child(n, name);
            if (n == null) return null;
            // The directory itself too: the next request is often for a name in it (a deep mkdir -p).
            if (gen >= 0 && n.isDirectory()) cacheDir(slash < 0 ? path : path.substring(0, slash), n, gen);
            if (slash < 0) return n;
            start = slash + 1;
        }
    }

    private long cacheGeneration() {
        return hasUpper ? ((UpperLayer) layers[0]).cacheGeneration() : 0;
    }

    /** Forgets the merged directory cached at {@code path}, if any (see {@link UpperLayer#changedOnly}). */
    void forget(String path) {
        dirs.remove(path);
    }

    private void cacheDir(String path, Node dir, long gen) {
        if (dirs.size() > MAX_CACHED_DIRS) dirs.clear();
        dirs.put(path, new CachedDir(gen, dir));
    }

    /** The position in {@code dir}'s sources of the first lower layer holding {@code name}, or -1. */
    private int firstLowerSource(Node dir, String name, int fromSource) {
        int lowers = dir.sourceLayers.length - fromSource;
        if (lowers < INDEXED_FROM_SOURCES) return fromSource;
        String key = dir.sourceLayers[fromSource] + "\0" + dir.sourcePaths[fromSource] + "\0" + lowers;
        Map<String, Integer> index = lowerIndexes.get(key);
        if (index == null) {
            // Positions relative to the first lower source: directories with and without an
            // upper part share the index of the same lower sources.
            index = new HashMap<>();
            for (int i = dir.sourceLayers.length - 1; i >= fromSource; i--) {
                Listing l = layers[dir.sourceLayers[i]].listing(dir.sourcePaths[i]);
                for (DirEntry e : l.entries()) index.put(e.name(), i - fromSource);
                for (String w : l.whiteouts()) index.put(w, i - fromSource);
            }
            lowerIndexes.put(key, index);
        }
        Integer first = index.get(name);
        return first == null ? -1 : fromSource + first;
    }

    /**
     * The first lookup of a directory held by many lowers: its copies in all of them are probed
     * at once ({@link ParallelProbes}), but for those read from a {@link LayerIndex} (they count
     * as probed: nothing to wait for). On every lookup of a name in such a directory (a hot
     * path): names that are not directories cost a look at the cached listing, directories one
     * path built and one map lookup more.
     */
    private void probeCopiesAtOnce(Node dir, String name, int fromSource) {
        if (dir.sourceLayers.length - fromSource < ParallelProbes.FROM_LAYERS) return;
        if (!(layers[dir.sourceLayers[fromSource]] instanceof LowerLayer first)) return;
        String parent = dir.sourcePaths[fromSource];
        if (!first.holdsDirectory(parent, name) || first.probed(RelPath.join(parent, name))) return;
        List<Callable<Probe>> probes = new ArrayList<>();
        for (int i = fromSource; i < dir.sourceLayers.length; i++) {
            // Sources are in layer order and only layer 0 can be the upper: the rest are lowers too.
            LowerLayer lower = (LowerLayer) layers[dir.sourceLayers[i]];
            String rel = RelPath.join(dir.sourcePaths[i], name);
            if (lower.holdsDirectory(dir.sourcePaths[i], name) && !lower.probed(rel)) probes.add(() -> lower.probe(rel));
        }
        if (probes.size() >= ParallelProbes.FROM_LAYERS) ParallelProbes.run(probes);
    }

    /** Like {@link #lookup}, but ENOENT (or ENOTDIR for a non-directory parent) if nothing is there. */
    public Node require(String path) {
        Node n = find(path);
        if (n == null) throw new FsException(Errno.ENOENT, "/" + path);
        return n;
    }

    /** {@link #lookup}, but a path through a file is ENOTDIR: null means nothing is there (ENOENT). */
    public Node find(String path) {
        Node n = lookup(path);
        if (n == null && !path.isEmpty()) {
            Node parent = lookup(RelPath.parent(path));
            if (parent != null && !parent.isDirectory()) throw new FsException(Errno.ENOTDIR, "/" + path);
        }
        return n;
    }

    /**
     * Looks a name up in a merged directory: top-down through the directory's sources; a whiteout
     * stops the search, a non-directory ends it, a directory merges with the directories below it
     * until one is opaque. A redirect makes the layers below look the directory up elsewhere
     * (overlayfs {@code redirect_dir}: how a renamed directory keeps its lower contents): a
     * relative one under another name in the same lower directories, an absolute one along its
     * path from each layer's root ({@link #alongRedirect}).
     */
    public Node child(Node dir, String name) {
        return child(dir, name, 0);
    }

    /** What the layers below the upper hold at {@code dir/name}: what a whiteout there would hide. */
    Node childBelowUpper(Node dir, String name) {
        return child(dir, name, hasUpper ? 1 : 0);
    }

    private Node child(Node dir, String name, int firstLayer) {
        String path = RelPath.join(dir.path, name);
        Probe winner = null;
        int winnerLayer = -1;
        String winnerRel = null;
        int[] srcL = null;
        String[] srcP = null;
        int nsrc = 0;
        String lowerName = name; // the name looked up in the directory's sources; a relative redirect renames it
        String absolute = null; // after an absolute redirect: the path each layer below is walked along
        int si = 0;
        boolean jumped = false;
        if (dir.sourceLayers.length == 0) return null;
        for (int l = Math.max(firstLayer, dir.sourceLayers[0]); l < layers.length; l++) {
            String rel;
            Probe p;
            boolean stop = false;
            if (absolute != null) {
                AlongRedirect step = alongRedirect(layers[l], absolute);
                rel = step.rel();
                p = step.probe();
                absolute = step.later();
                stop = step.stop();
            } else {
                while (si < dir.sourceLayers.length && dir.sourceLayers[si] < l) si++;
                if (si == dir.sourceLayers.length) break;
                if (!jumped && (dir.sourceLayers[si] > 0 || !hasUpper)) {
                    // Into the lowers: skip the layers that hold nothing of this name.
                    jumped = true;
                    int first = firstLowerSource(dir, lowerName, si);
                    if (first < 0) break;
                    probeCopiesAtOnce(dir, lowerName, first);
                    if (first != si) {
                        si = first;
                        l = dir.sourceLayers[si];
                    }
                }
                if (dir.sourceLayers[si] != l) {
                    l = dir.sourceLayers[si] - 1; // no source in this layer: skip to the next one
                    continue;
                }
                String parentRel = dir.sourcePaths[si];
                rel = RelPath.join(parentRel, lowerName);
                p = l == 0 && hasUpper ? upperProbe(dir, rel) : layers[l].probe(rel, parentRel, lowerName);
            }
            if (p.kind() == Probe.Kind.WHITEOUT) break;
            if (p.kind() == Probe.Kind.ABSENT) {
                if (stop) break;
                continue;
            }
            if (winner == null) {
                winner = p;
                winnerLayer = l;
                winnerRel = rel;
                if (!p.isDirectory()) break;
                srcL = new int[layers.length - l];
                srcP = new String[layers.length - l];
            } else if (!p.isDirectory()) {
                break;
            }
            srcL[nsrc] = l;
            srcP[nsrc++] = rel;
            if (p.opaque()) break;
            String redirect = p.redirect();
            if (redirect != null) {
                if (absolute == null && !isAbsolute(redirect)) {
                    lowerName = redirect;
                } else {
                    absolute = redirected(redirect, absolute);
                    if (isAbsolute(redirect)) stop = false; // an absolute redirect leads below an opaque ancestor too
                }
            }
            if (stop) break;
        }
        if (winner == null) return null;
        Layer w = layers[winnerLayer];
        if (srcL != null) {
            // Not Arrays.copyOf for the names: it makes a String[] by reflection, a call into the VM on C1.
            String[] paths = new String[nsrc];
            System.arraycopy(srcP, 0, paths, 0, nsrc);
            return new Node(path, winner.stat(), winnerLayer, w.real(winnerRel), false,
                    java.util.Arrays.copyOf(srcL, nsrc), paths);
        }
        if (index != null && w instanceof LowerLayer && HardlinkIndex.applies(winner.stat())) {
            String copy = index.find(winner.stat());
            if (copy != null) {
                Stat st = Posix.lstatOrNull(copy);
                if (st != null) return new Node(path, st, winnerLayer, copy, true, null, null);
            }
        }
        return new Node(path, winner.stat(), winnerLayer, w.real(winnerRel), false, null, null);
    }

    /**
     * One layer's part of a lookup along an absolute redirect: what the layer holds at the end
     * of the path ({@code probe}, at {@code rel}), the path the layers below are to walk
     * ({@code later}), and whether they are to be skipped ({@code stop}).
     */
    private record AlongRedirect(Probe probe, String rel, String later, boolean stop) {}

    /**
     * Walks {@code path} from the root of {@code layer}, a component at a time, as overlayfs does
     * ({@code ovl_lookup_layer}): the directories on the way steer the layers below too. One that
     * was renamed (a redirect of its own) moves the path they walk; an opaque one hides them; a
     * whiteout or a non-directory on the way hides them and ends the walk here.
     */
    private static AlongRedirect alongRedirect(Layer layer, String path) {
        String[] parts = path.split("/", -1);
        String rel = "", later = path;
        boolean stop = false;
        for (int k = 0; ; k++) {
            rel = RelPath.join(rel, parts[k]);
            Probe p = layer.probe(rel);
            if (k == parts.length - 1 || p.kind() == Probe.Kind.ABSENT) return new AlongRedirect(p, rel, later, stop);
            if (!p.isDirectory()) return new AlongRedirect(Probe.WHITEOUT, rel, later, true);
            if (p.opaque()) {
                stop = true;
            } else if (p.redirect() != null) {
                String rest = String.join("/", java.util.Arrays.copyOfRange(parts, k + 1, parts.length));
                String prefix = later.substring(0, later.length() - rest.length() - 1);
                later = RelPath.join(redirected(p.redirect(), prefix), rest);
                if (isAbsolute(p.redirect())) stop = false;
            }
        }
    }

    /** An absolute redirect ({@code /a/b}), as {@link Markers#redirect} gives it, not a bare name. */
    static boolean isAbsolute(String redirect) {
        return redirect.startsWith("/");
    }

    /** Where a redirect found on the directory at {@code at} leads: its own path, or a bare name beside {@code at}. */
    private static String redirected(String redirect, String at) {
        return isAbsolute(redirect) ? redirect.substring(1) : RelPath.join(RelPath.parent(at), redirect);
    }

    // ---- reading -------------------------------------------------------------------------------

    /**
     * The merged entries of a directory: each name once, the top-most entry's type, never a
     * whiteout or marker. A layer's whiteouts hide names of the layers below it only.
     */
    public List<DirEntry> readdir(Node dir) {
        if (!dir.isDirectory()) throw new FsException(Errno.ENOTDIR, "/" + dir.path);
        List<DirEntry> out = new ArrayList<>();
        Set<String> taken = dir.sourceLayers.length > 1 ? new HashSet<>() : null;
        for (int i = 0; i < dir.sourceLayers.length; i++) {
            Listing listing = layers[dir.sourceLayers[i]].listing(dir.sourcePaths[i]);
            for (DirEntry e : listing.entries()) {
                if (taken == null || taken.add(e.name())) out.add(e);
            }
            if (taken != null) taken.addAll(listing.whiteouts());
        }
        return out;
    }

    /**
     * A directory listed through the mount: the lower layers holding part of it look its
     * subdirectories up ahead ({@link DirectoryPrefetch#listed}).
     */
    public void listed(Node dir) {
        for (int i = 0; i < dir.sourceLayers.length; i++) {
            if (layers[dir.sourceLayers[i]] instanceof LowerLayer lower) lower.listed(dir.sourcePaths[i]);
        }
    }

    /**
     * A file about to be opened to read: if a lower layer holds it, the small files beside it
     * there are read into the page cache in the background ({@link DirectoryPrefetch}).
     */
    public void openedToRead(Node n) {
        if (!n.indexed && layers[n.layer] instanceof LowerLayer lower) lower.openedToRead(n.realPath);
    }

    public String readlink(Node n) {
        if (!n.stat.isSymlink()) throw new FsException(Errno.EINVAL, "/" + n.path);
        return Posix.readlink(n.realPath);
    }

    /** The entry's xattr names, the union's own left out. */
    public List<String> listxattr(Node n) {
        List<String> names = Posix.listxattr(n.realPath);
        names.removeIf(Markers::isInternalXattr);
        return names;
    }

    /** An xattr's value, or null if the entry has none of that name (the union's own are never shown). */
    public byte[] getxattr(Node n, String name) {
        if (Markers.isInternalXattr(name)) return null;
        return Posix.getxattr(n.realPath, name);
    }

    // ---- what stat shows -----------------------------------------------------------------------

    /** The stat the union shows for a node: its entry's, with the union's inode number and link count. */
    public Stat attributes(Node n) {
        return n.stat.withInoAndNlink(inode(n), nlink(n.stat, n.sourceCount() > 1, n.indexed || n.layer == 0 && hasUpper));
    }

    /**
     * st_nlink as overlayfs shows it: 1 for a directory merged from several layers (counting the
     * subdirectories of every layer is not worth it, and 1 tells {@code find} not to guess from
     * it); for a copy in the hard-link index, the names the union shows for it
     * ({@link HardlinkIndex}); otherwise the entry's own count.
     *
     * @param inUpper whether {@code st} is of an upper inode (a name in the upper, or an index copy)
     */
    long nlink(Stat st, boolean mergedDirectory, boolean inUpper) {
        if (st.isDirectory()) return mergedDirectory ? 1 : st.nlink();
        if (inUpper && index != null && index.inUse()) {
            long names = index.unionNames(st.ino());
            if (names >= 0) return names;
        }
        return st.nlink();
    }

    // ---- inode numbers -------------------------------------------------------------------------

    /**
     * st_ino of a node: the number of the entry it came from, so it survives copy-up (recorded at
     * copy-up as an origin xattr) and remounts. Layers on other filesystems get their numbers
     * moved into a range of their own, as overlayfs's xino does.
     */
    public long inode(Node n) {
        if (n.layer == 0 && hasUpper || n.indexed) {
            long origin = ((UpperLayer) layers[0]).origin(n.stat, n.realPath);
            if (origin >= 0) return origin;
        }
        return inode(n.stat);
    }

    /** The st_ino jfs shows for an entry as found on disk. */
    long inode(Stat st) {
        int dev = deviceIndex(st.dev());
        return dev == 0 ? st.ino() : st.ino() ^ ((long) dev << 48);
    }

    private int deviceIndex(long dev) {
        Integer i = devices.get(dev);
        return i != null ? i : devices.computeIfAbsent(dev, d -> nextDevice.getAndIncrement());
    }
}
