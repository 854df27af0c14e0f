package dev.jfs.union;

import dev.jfs.posix.Stat;

/**
 * One resolved path of the merged view: the entry that wins (its layer, real path and stat) and,
 * for a directory, every layer directory whose contents merge into it, top-down.
 */
public final class Node {
    private static final int[] NO_LAYERS = new int[0];
    private static final String[] NO_PATHS = new String[0];

    final String path;
    final Stat stat;
    final int layer;
    final String realPath;
    /** True if the entry is a lower hard link already copied up: its data lives in the index. */
    final boolean indexed;
    final int[] sourceLayers;
    final String[] sourcePaths;

    Node(String path, Stat stat, int layer, String realPath, boolean indexed, int[] sourceLayers, String[] sourcePaths) {
        this.path = path;
        this.stat = stat;
        this.layer = layer;
        this.realPath = realPath;
        this.indexed = indexed;
        this.sourceLayers = sourceLayers == null ? NO_LAYERS : sourceLayers;
        this.sourcePaths = sourcePaths == null ? NO_PATHS : sourcePaths;
    }

    /** The merged path, relative ("" for the root). */
    public String path() {
        return path;
    }

    /** The winning entry's own stat (st_ino is the layer's, see {@link UnionView#inode}). */
    public Stat stat() {
        return stat;
    }

    /** The winning layer: 0 is the upper when the view has one, then the lowers top-down. */
    public int layer() {
        return layer;
    }

    /** The winning entry's path on disk. */
    public String realPath() {
        return realPath;
    }

    public boolean isDirectory() {
        return stat.isDirectory();
    }

    /** The number of layer directories merged into this directory (0 for non-directories). */
    public int sourceCount() {
        return sourceLayers.length;
    }

    public int sourceLayer(int i) {
        return sourceLayers[i];
    }

    /** The layer-relative path of source {@code i} (differs from {@link #path()} after a redirect). */
    public String sourcePath(int i) {
        return sourcePaths[i];
    }

    @Override
    public String toString() {
        return "/" + path + " @layer " + layer + (indexed ? " (index)" : "");
    }
}
