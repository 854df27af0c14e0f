package dev.jfs.changes;

import dev.jfs.union.RelPath;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The directories already written out on the way to the current path, for outputs in tree
 * order that must show every parent of what they list once, before it: the C lines of
 * {@code jfs diff}, the directory entries of a layer tar. Holds one chain (root side at the
 * bottom), so it costs the depth of the tree, not its size.
 */
public final class AncestorChain {
    private final ArrayDeque<String> chain = new ArrayDeque<>();

    /**
     * The ancestors of {@code path} (not the root, not itself) not yet written, top-most first;
     * they count as written from now on. Paths must come in tree order.
     */
    public List<String> missingBefore(String path) {
        while (!chain.isEmpty() && !isStrictAncestor(chain.peek(), path)) chain.pop();
        String known = chain.isEmpty() ? "" : chain.peek();
        List<String> missing = new ArrayList<>();
        for (String a = RelPath.parent(path); !a.isEmpty() && !a.equals(known); a = RelPath.parent(a)) {
            missing.add(0, a);
        }
        for (String a : missing) chain.push(a);
        return missing;
    }

    /** Records that {@code path} (just written) may be a parent of what comes next. */
    public void written(String path) {
        if (!path.isEmpty()) chain.push(path);
    }

    private static boolean isStrictAncestor(String a, String path) {
        return !a.equals(path) && RelPath.isWithin(path, a);
    }
}
