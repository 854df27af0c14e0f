package dev.jfs.fuse.adapter;

import java.util.LinkedHashSet;
import java.util.List;
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
    /**
     * Its names, usually one: a small array while few (a set by {@link Link#equals}; a walk keeps
     * a node for every name it met, and a HashSet costs four objects), a set once many, so a
     * file with thousands of hard links is not scanned at every lookup of one of them.
     */
    private Link[] few = NO_LINKS;
    private Set<Link> many;
    /** The name looked up last, one of its names; null once it has none. */
    Link primary;
    /** Gone from the union (its last name removed): a new file with its inode number gets a new node. */
    boolean retired;
    /** The kernel forgot it (no lookups left): a later lookup of its inode makes a new node. */
    boolean forgotten;
    /**
     * A directory's attributes when its last name was removed (rmdir, or renamed over): what
     * fstat on a descriptor still open on it shows, as directories open without a handle.
     */
    dev.jfs.posix.Stat removedDirectory;
    /**
     * It was opened with passthrough since its page cache was last dropped, so the cache may hold
     * pages older than the file. Guarded by {@link PassthroughFiles}.
     */
    boolean pageCacheOutdated;

    FsNode(long id, long ino, int type) {
        this.id = id;
        this.ino = ino;
        this.type = type;
    }

    private static final Link[] NO_LINKS = new Link[0];
    private static final int FEW = 8;

    boolean hasLinks() {
        return many != null ? !many.isEmpty() : few.length > 0;
    }

    /** Its names, a copy. */
    List<Link> links() {
        return many != null ? List.copyOf(many) : List.of(few);
    }

    /** One of its names, or null. */
    Link anyLink() {
        if (many != null) return many.isEmpty() ? null : many.iterator().next();
        return few.length > 0 ? few[0] : null;
    }

    /** Adds {@code link}, replacing an equal one (which may name a directory node since forgotten). */
    void addLink(Link link) {
        if (many != null) {
            many.remove(link);
            many.add(link);
            return;
        }
        for (int i = 0; i < few.length; i++) {
            if (few[i].equals(link)) {
                few[i] = link;
                return;
            }
        }
        if (few.length == FEW) {
            many = new LinkedHashSet<>(List.of(few));
            many.add(link);
            few = NO_LINKS;
            return;
        }
        // Not Arrays.copyOf, which makes the array by reflection, a call into the VM on C1.
        Link[] more = new Link[few.length + 1];
        System.arraycopy(few, 0, more, 0, few.length);
        more[few.length] = link;
        few = more;
    }

    void removeLink(Link link) {
        if (many != null) {
            many.remove(link);
            return;
        }
        for (int i = 0; i < few.length; i++) {
            if (few[i].equals(link)) {
                Link[] fewer = new Link[few.length - 1];
                System.arraycopy(few, 0, fewer, 0, i);
                System.arraycopy(few, i + 1, fewer, i, few.length - i - 1);
                few = fewer.length == 0 ? NO_LINKS : fewer;
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
