package dev.jfs.fuse.adapter;

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
    /**
     * Its names, usually one: an array (a set by {@link Link#equals}) costs one object per node,
     * where a HashSet cost four, and a walk keeps a node for every name it met.
     */
    private Link[] links = NO_LINKS;
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

    private static final Link[] NO_LINKS = new Link[0];

    boolean hasLinks() {
        return links.length > 0;
    }

    Link[] links() {
        return links;
    }

    /** Adds {@code link}, replacing an equal one (which may name a directory node since forgotten). */
    void addLink(Link link) {
        for (int i = 0; i < links.length; i++) {
            if (links[i].equals(link)) {
                links[i] = link;
                return;
            }
        }
        Link[] more = java.util.Arrays.copyOf(links, links.length + 1);
        more[links.length] = link;
        links = more;
    }

    void removeLink(Link link) {
        for (int i = 0; i < links.length; i++) {
            if (links[i].equals(link)) {
                Link[] fewer = new Link[links.length - 1];
                System.arraycopy(links, 0, fewer, 0, i);
                System.arraycopy(links, i + 1, fewer, i, links.length - i - 1);
                links = fewer.length == 0 ? NO_LINKS : fewer;
                return;
            }
        }
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
