package dev.jfs.changes;

import dev.jfs.union.Node;

/**
 * One path where a container's merged view differs from its lowers, as {@link ChangeWalker}
 * finds it. {@code merged} is the entry now (null if gone), {@code lower} the entry the lowers
 * hold (null if none). Paths are relative, without leading slash.
 */
public record Change(Kind kind, String path, Node merged, Node lower) {

    public enum Kind {
        /** In the merged view, not in the lowers. diff: A. commit: the entry. */
        ADDED,
        /** In both; the entry differs (type, mode, owner, size, content, target, xattrs). diff: C. commit: the entry. */
        CHANGED,
        /** A lower directory removed and made again (opaque, or another directory renamed onto it). diff: D. commit: the directory and an opaque marker. */
        REPLACED,
        /** In the lowers, gone, its parent still a directory of both. diff: D. commit: a whiteout. */
        REMOVED,
        /** In the lowers, gone because its parent is no longer a directory. diff: D. commit: nothing (the parent's new entry replaces it). */
        DROPPED,
        /** In both, equal but for its mtime. diff: nothing (SPEC 4). commit: the entry, so the merged view is rebuilt exactly. */
        TOUCHED,
        /** In both and equal, but under a replaced directory, whose opaque marker hides the lower one. diff: nothing. commit: the entry. */
        CARRIED;

        /** The letter {@code jfs diff} prints, or 0 for kinds diff does not list. */
        public char letter() {
            return switch (this) {
                case ADDED -> 'A';
                case CHANGED -> 'C';
                case REPLACED, REMOVED, DROPPED -> 'D';
                case TOUCHED, CARRIED -> 0;
            };
        }
    }
}
