package dev.jfs.changes;

import dev.jfs.union.Node;

/**
 * One path where a container's merged view differs from its lowers, as {@link ChangeWalker}
 * finds it. {@code merged} is the entry now (null if gone), {@code lower} the entry the lowers
 * hold (null if none). Paths are relative, without leading slash.
 *
 * <p>Below an added directory the walk may name an entry from its directory's listing without
 * looking it up: an {@link Kind#ADDED} change whose {@code merged} is null. Then {@code dir},
 * if not null, is the merged directory holding it, whose only part is in the upper: the entry
 * is a regular file at {@link #realPath()} (if nothing changed it since the listing).
 */
public record Change(Kind kind, String path, Node merged, Node lower, Node dir) {

    public Change(Kind kind, String path, Node merged, Node lower) {
        this(kind, path, merged, lower, null);
    }

    /** An added entry named, not looked up ({@code merged} is null): see the class comment. */
    public boolean named() {
        return kind == Kind.ADDED && merged == null;
    }

    /** For a named file in an upper directory: its path on disk. */
    public String realPath() {
        return dir.realPath() + "/" + path.substring(path.lastIndexOf('/') + 1);
    }

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
