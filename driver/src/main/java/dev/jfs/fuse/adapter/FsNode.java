package dev.jfs.fuse.adapter;

import java.util.HashSet;
import java.util.Set;

/**
 * What the kernel knows as one node id: one inode of the union (all its hard links), the names
 * it is known under (parent node and name) with the one looked up last, and how many lookups
 * the kernel holds on it. Guarded by its {@link NodeTable}.
 */
final class FsNode {
    final long id;
    final long ino;
    /** st_mode's file type bits: a number reused by a file of another type is another node. */
    final int type;
    long lookups;
    final Set<Link> links = new HashSet<>(2);
    /** The name looked up last, one of {@link #links}; null once it has none. */
    Link primary;
    /** Gone from the union (its last name removed): a new file with its inode number gets a new node. */
    boolean retired;
    /** The kernel forgot it (no lookups left): a later lookup of its inode makes a new node. */
    boolean forgotten;

    FsNode(long id, long ino, int type) {
        this.id = id;
        this.ino = ino;
        this.type = type;
    }

    boolean isDirectory() {
        return type == dev.jfs.posix.Stat.S_IFDIR;
    }

    /**
     * One name of a node: an entry {@code name} in directory {@code parent}. Two links are the
     * same name when their directories are the same inode: a directory the kernel forgot and
     * looked up again is a new node, and its entries must still be found by their names.
     */
    static final class Link {
        final FsNode parent;
        final String name;

        Link(FsNode parent, String name) {
            this.parent = parent;
            this.name = name;
        }

        FsNode parent() {
            return parent;
        }

        String name() {
            return name;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Link l && l.parent.ino == parent.ino && l.name.equals(name);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(parent.ino) * 31 + name.hashCode();
        }
    }
}
