package dev.jfs.changes;

import static dev.jfs.changes.Change.Kind.*;

import dev.jfs.posix.DirEntry;
import dev.jfs.union.Node;
import dev.jfs.union.RelPath;
import dev.jfs.union.UnionView;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;

/**
 * Finds what a container changed: walks its merged view (upper + lowers) beside the view of its
 * lowers alone, in tree order (a directory, then its entries by {@link PathOrder}), and reports
 * each path where they differ as a {@link Change}. Both {@code jfs diff} and {@code jfs commit}
 * are built on this one walk, so they cannot disagree.
 *
 * <p>The two views are compared as trees, not by reading the upper's markers: a whiteout over
 * nothing, a copy-up left equal, a renamed directory's redirect all come out as what they mean.
 * Only directories that can differ are entered: those with a part in the upper, those whose
 * lower sources moved (a redirect above them), and everything under an added or replaced
 * directory. While the hard-link index holds a copy, every directory is entered: the other
 * names of a copied-up lower file show the new data without anything in the upper.
 */
public final class ChangeWalker {
    /**
     * libfuse renames a file deleted while still open to {@code .fuse_hiddenNNN} until its last
     * close: a deleted file, not a change.
     */
    private static final String LIBFUSE_HIDDEN = ".fuse_hidden";

    private static final Comparator<DirEntry> BY_NAME = Comparator.comparing(DirEntry::name, PathOrder.NAMES);

    private final UnionView merged;
    private final UnionView lowers;
    private final boolean enterEveryDir;
    /** Below an added directory, only directories are looked up ({@link #walkPaths}). */
    private final boolean pathsOnly;
    private final Consumer<Change> out;

    private ChangeWalker(UnionView merged, UnionView lowers, boolean pathsOnly, Consumer<Change> out) {
        this.merged = merged;
        this.lowers = lowers;
        this.enterEveryDir = merged.hardLinkIndexInUse();
        this.pathsOnly = pathsOnly;
        this.out = out;
    }

    /**
     * Walks the merged view against the lowers' view; {@code out} hears every change in tree
     * order. Below an added directory that is the upper's alone, a regular file is named, not
     * looked up ({@link Change#named}): the commit opens it to read anyway, and the open's fstat
     * tells it what an lstat here would (one path walk per file instead of two).
     */
    public static void walk(StackViews views, Consumer<Change> out) {
        new ChangeWalker(views.merged(), views.lowers(), false, out).walkRoot();
    }

    /**
     * The same changes, for a caller that needs only their kinds and paths ({@code jfs diff}):
     * below an added directory, an entry that is not a directory is named by the type its
     * directory listing gives and not looked up, so its change carries no merged node. An added
     * tree is most of what a container writes, and its files were a stat each.
     */
    public static void walkPaths(StackViews views, Consumer<Change> out) {
        new ChangeWalker(views.merged(), views.lowers(), true, out).walkRoot();
    }

    private void walkRoot() {
        Node m = merged.root(), l = lowers.root();
        if (!mergesLower(m, l)) {
            out.accept(new Change(REPLACED, "", m, l)); // the upper's root is opaque
            children("", m, l, true);
        } else {
            // The root is never listed by diff, but a layer carries a change to it (./).
            if (EntryComparison.compare(merged, m, lowers, l) == EntryComparison.Result.CHANGED) {
                out.accept(new Change(CHANGED, "", m, l));
            }
            children("", m, l, false);
        }
    }

    /**
     * Visits one path. {@code underReplaced}: an ancestor was replaced, so its lower contents are
     * hidden; entries are still compared with the lowers' (for diff), but each must be carried
     * by the layer, and what the lowers lost there is no news.
     */
    private void visit(String path, Node m, Node l, boolean underReplaced) {
        if (m == null) {
            out.accept(new Change(REMOVED, path, null, l));
            return;
        }
        if (l == null) {
            out.accept(new Change(ADDED, path, m, null));
            if (m.isDirectory()) children(path, m, null, true);
            return;
        }
        boolean mDir = m.isDirectory(), lDir = l.isDirectory();
        if (mDir && lDir && !underReplaced && !mergesLower(m, l)) {
            out.accept(new Change(REPLACED, path, m, l));
            children(path, m, l, true);
            return;
        }
        Change.Kind kind = switch (EntryComparison.compare(merged, m, lowers, l)) {
            case CHANGED -> CHANGED;
            case TOUCHED -> TOUCHED;
            case SAME -> underReplaced ? CARRIED : null;
        };
        if (kind != null) out.accept(new Change(kind, path, m, l));
        if (mDir && !lDir) {
            children(path, m, null, true);
        } else if (mDir) {
            if (underReplaced || enterEveryDir || merged.touchesUpper(m) || !sameLowerSources(m, l)) {
                children(path, m, l, underReplaced);
            }
        } else if (lDir && !underReplaced) {
            for (String name : sortedNames(lowers, l)) {
                out.accept(new Change(DROPPED, RelPath.join(path, name), null, lowers.child(l, name)));
            }
        }
    }

    /** The entries of merged directory {@code m} and lower directory {@code l} (may be null), merged by name. */
    private void children(String path, Node m, Node l, boolean underReplaced) {
        if (l == null && (pathsOnly || upperOnly(m))) {
            addedChildren(path, m);
            return;
        }
        List<String> mNames = sortedNames(merged, m);
        List<String> lNames = l == null || !l.isDirectory() ? List.of() : sortedNames(lowers, l);
        int i = 0, j = 0;
        while (i < mNames.size() || j < lNames.size()) {
            int c = i == mNames.size() ? 1 : j == lNames.size() ? -1 : PathOrder.NAMES.compare(mNames.get(i), lNames.get(j));
            String name = c <= 0 ? mNames.get(i++) : lNames.get(j);
            if (c >= 0) j++;
            if (c > 0 && underReplaced) continue; // hidden by the replaced ancestor's opaque marker
            if (c < 0 && name.startsWith(LIBFUSE_HIDDEN)) continue;
            Node mc = c <= 0 ? merged.child(m, name) : null;
            Node lc = c >= 0 ? lowers.child(l, name) : null;
            if (mc == null && lc == null) continue;
            visit(RelPath.join(path, name), mc, lc, underReplaced);
        }
    }

    /**
     * Everything below an added directory, all added. For {@link #walkPaths}, only directories
     * are looked up (to be entered); for {@link #walk}, in a directory of the upper alone, all
     * but regular files.
     */
    private void addedChildren(String path, Node m) {
        List<DirEntry> entries = new ArrayList<>(merged.readdir(m));
        entries.sort(BY_NAME);
        for (DirEntry e : entries) {
            if (e.name().startsWith(LIBFUSE_HIDDEN)) continue;
            String child = RelPath.join(path, e.name());
            if (pathsOnly && e.dtype() != DirEntry.DT_DIR && e.dtype() != DirEntry.DT_UNKNOWN) {
                out.accept(new Change(ADDED, child, null, null));
                continue;
            }
            if (!pathsOnly && e.dtype() == DirEntry.DT_REG) {
                out.accept(new Change(ADDED, child, null, null, m));
                continue;
            }
            Node mc = merged.child(m, e.name());
            if (mc != null) visit(child, mc, null, true);
        }
    }

    private static List<String> sortedNames(UnionView view, Node dir) {
        List<DirEntry> entries = view.readdir(dir);
        List<String> names = new ArrayList<>(entries.size());
        for (DirEntry e : entries) names.add(e.name());
        names.sort(PathOrder.NAMES);
        return names;
    }

    /** Whether merged directory {@code m} is a directory of the upper alone (no lower part, no redirect into the lowers). */
    private boolean upperOnly(Node m) {
        return merged.hasUpper() && m.sourceCount() == 1 && m.sourceLayer(0) == 0;
    }

    /** Whether merged directory {@code m} still shows lower directory {@code l}'s contents (not opaque, not renamed over). */
    private boolean mergesLower(Node m, Node l) {
        for (int i = 0; i < m.sourceCount(); i++) {
            if (merged.sourceRealPath(m, i).equals(l.realPath())) return true;
        }
        return false;
    }

    /** Whether the lower parts of {@code m} are exactly {@code l}'s sources (no redirect moved them). */
    private boolean sameLowerSources(Node m, Node l) {
        int first = merged.hasUpper() && m.sourceCount() > 0 && m.sourceLayer(0) == 0 ? 1 : 0; // skip the upper part
        if (m.sourceCount() - first != l.sourceCount()) return false;
        for (int i = 0; i < l.sourceCount(); i++) {
            if (!merged.sourceRealPath(m, i + first).equals(lowers.sourceRealPath(l, i))) return false;
        }
        return true;
    }
}
