package dev.jfs.archive;

import dev.jfs.changes.AncestorChain;
import dev.jfs.changes.Change;
import dev.jfs.changes.EntryXattrs;
import dev.jfs.posix.Stat;
import dev.jfs.union.Node;
import dev.jfs.union.RelPath;
import dev.jfs.union.UnionView;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Writes a container's changes as an OCI layer (a changeset, SPEC 4): applying it to the lowers
 * with the OCI whiteout rules gives the merged view. Takes the changes in tree order from
 * {@link dev.jfs.changes.ChangeWalker}:
 * <ul>
 *   <li>added, changed, touched and carried entries: the entry, with its data, as the merged view
 *       shows it;</li>
 *   <li>a removed entry: a whiteout {@code .wh.NAME} where it stood;</li>
 *   <li>a replaced directory: the directory, then {@code DIR/.wh..wh..opq}, then everything it
 *       holds now;</li>
 *   <li>the parent directories of every entry, once, before it (as the merged view shows them);</li>
 *   <li>a file with several names in the layer: the first name in full, the others as hard links
 *       to it.</li>
 * </ul>
 * Sockets cannot be stored in a tar: they are left out and reported through {@code warnings}.
 */
public final class ChangesetWriter implements Consumer<Change> {
    private record Inode(long dev, long ino) {}

    /**
     * Files up to this size are read ahead. {@link dev.jfs.changes.WalkAhead} reads at most 9
     * batches of 128 changes ahead (8 queued, one being written): 72 MiB of file data at the
     * very most.
     */
    static final long READ_AHEAD_MAX = 64 << 10;

    private final UnionView merged;
    private final LayerTar tar;
    private final Consumer<String> warnings;
    private final AncestorChain written = new AncestorChain();
    private final Map<Inode, String> firstNames = new HashMap<>();
    private long entries;

    public ChangesetWriter(UnionView merged, LayerTar tar, Consumer<String> warnings) {
        this.merged = merged;
        this.tar = tar;
        this.warnings = warnings;
    }

    /** Entries written so far, markers included. */
    public long entries() {
        return entries;
    }

    @Override
    public void accept(Change c) {
        accept(c, null);
    }

    /**
     * Reads ahead, on the walk's thread ({@link dev.jfs.changes.WalkAhead}), what the entry of
     * {@code c} will need: the data and xattrs of a file of up to {@value #READ_AHEAD_MAX} bytes
     * with one name (with several, only the first in the layer carries data). Null for anything
     * else, and where the read fails: {@link #accept} then reads it again, and fails as it
     * always did, in its place in the layer.
     */
    SmallFile readAhead(Change c) {
        if (c.named()) return c.dir() == null ? null : SmallFile.readNamed(c.realPath(), READ_AHEAD_MAX);
        Node n = c.merged();
        if (n == null) return null; // removed: a whiteout, or nothing
        Stat st = n.stat();
        if (st.type() != Stat.S_IFREG || st.size() > READ_AHEAD_MAX || st.nlink() > 1) return null;
        try {
            return SmallFile.read(merged, n);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Writes the entries of {@code c}; {@code ahead}, if not null, is its file as {@link #readAhead} read it. */
    public void accept(Change c, SmallFile ahead) {
        try {
            if (c.named()) {
                named(c, ahead);
                return;
            }
            switch (c.kind()) {
                case ADDED, CHANGED, TOUCHED, CARRIED -> {
                    parentsOf(c.path());
                    entry(c.path(), c.merged(), ahead);
                }
                case REPLACED -> {
                    if (!c.path().isEmpty()) {
                        parentsOf(c.path());
                        entry(c.path(), c.merged(), null);
                    }
                    tar.opaque(c.path());
                    entries++;
                }
                case REMOVED -> {
                    parentsOf(c.path());
                    tar.whiteout(c.path());
                    entries++;
                }
                case DROPPED -> { } // its parent's new entry (not a directory) replaces it
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A file the walk named without looking it up: as read ahead if it was (a small file of one
     * name), else looked up now and written the usual way; if it is gone since the walk listed
     * it, nothing (as if the walk had not seen it).
     */
    private void named(Change c, SmallFile ahead) throws IOException {
        if (ahead != null) {
            parentsOf(c.path());
            entries++;
            tar.file(c.path(), ahead.stat(), ahead.xattrs(), ahead.data());
            return;
        }
        if (c.dir() == null) throw new IllegalArgumentException("/" + c.path() + ": named without its directory");
        Node n = merged.child(c.dir(), RelPath.name(c.path()));
        if (n == null) return;
        parentsOf(c.path());
        entry(c.path(), n, null);
    }

    private void parentsOf(String path) throws IOException {
        for (String dir : written.missingBefore(path)) {
            Node n = merged.lookup(dir);
            tar.directory(dir, n.stat(), EntryXattrs.of(merged, n));
            entries++;
        }
    }

    private void entry(String path, Node n, SmallFile ahead) throws IOException {
        Stat st = n.stat();
        entries++;
        if (st.isDirectory()) {
            tar.directory(path, st, EntryXattrs.of(merged, n));
            written.written(path);
            return;
        }
        if (st.type() == Stat.S_IFSOCK) {
            entries--;
            warnings.accept("/" + path + ": a socket, left out (a tar cannot hold sockets)");
            return;
        }
        if (st.nlink() > 1) {
            String first = firstNames.putIfAbsent(new Inode(st.dev(), st.ino()), path);
            if (first != null) {
                tar.hardLink(path, st, first);
                return;
            }
        }
        if (st.type() == Stat.S_IFREG && st.size() <= SmallFile.MAX_SIZE) {
            SmallFile f = ahead != null ? ahead : SmallFile.read(merged, n);
            tar.file(path, st, f.xattrs(), f.data());
            return;
        }
        Map<String, byte[]> xattrs = EntryXattrs.of(merged, n);
        switch (st.type()) {
            case Stat.S_IFREG -> tar.file(path, st, xattrs, n.realPath());
            case Stat.S_IFLNK -> tar.symlink(path, st, merged.readlink(n), xattrs);
            default -> tar.special(path, st, xattrs);
        }
    }
}
