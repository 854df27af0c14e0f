package dev.jfs.union;

import dev.jfs.layout.Markers;
import dev.jfs.layout.UpperFormat;
import dev.jfs.posix.Posix;
import dev.jfs.posix.Stat;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * overlayfs's {@code index=on} for jfs: when a lower file with several names is copied up, its
 * upper copy is also linked here under the lower inode's identity, so every other name of the same
 * lower inode resolves to that copy and is linked to it on its own copy-up. Names that share a
 * file keep sharing it, whichever name is written. Lives in {@code WORK/jfs-index}.
 *
 * <p>It also keeps how many names the union shows for each copy, as overlayfs keeps its union
 * nlink: the lower inode's count when copied, one more for each link and one fewer for each
 * name removed, whether that name was in the upper or only in a lower (whited out). Never the
 * index's own name of the copy, nor a lower name's second count once it is linked in the upper.
 * Recorded on the copy relative to its own count ({@link UpperFormat#setLinkCount}) after each
 * change, so a remount shows the same.
 */
public final class HardlinkIndex {
    private final String dir;
    private final Set<String> keys = ConcurrentHashMap.newKeySet();

    /** A copy in the index: its name there, and how many names the union shows for it. */
    private record Copy(String key, long unionNames) {}

    /** The copies by inode number, read from the index on first need (a mount may never need them). */
    private volatile Map<Long, Copy> copies;

    HardlinkIndex(String indexDir) {
        this.dir = indexDir;
        if (Posix.lstatOrNull(dir) != null) {
            Posix.readDir(dir).forEach(e -> keys.add(e.name()));
        }
    }

    /**
     * Whether a lower entry may have other names: only those go through the index. Any
     * non-directory can (a hard link to a symlink or a FIFO too), as overlayfs indexes them all.
     */
    static boolean applies(Stat lower) {
        return !lower.isDirectory() && lower.nlink() > 1;
    }

    static String key(Stat lower) {
        return Long.toHexString(lower.dev()) + "-" + Long.toHexString(lower.ino());
    }

    /** The real path of the copy of this lower inode, or null if it has not been copied up. */
    String find(Stat lower) {
        String k = key(lower);
        return keys.contains(k) ? dir + "/" + k : null;
    }

    /** Where the copy of this lower inode goes. */
    String pathFor(Stat lower) {
        return dir + "/" + key(lower);
    }

    /**
     * Records a copy just linked at {@link #pathFor}: the union shows as many names for it as the
     * lower inode has.
     */
    void added(Stat lower, UpperFormat format) {
        String key = key(lower);
        keys.add(key);
        Stat copy = Posix.lstat(dir + "/" + key);
        copies().put(copy.ino(), new Copy(key, lower.nlink()));
        format.setLinkCount(dir + "/" + key, lower.nlink(), copy.nlink());
    }

    /**
     * How many names the union shows for the upper inode {@code ino}, if it is a copy in the
     * index; else -1.
     */
    long unionNames(long ino) {
        Copy c = copies().get(ino);
        return c == null ? -1 : c.unionNames;
    }

    /**
     * The union now shows {@code delta} more names (fewer if negative) for the copy {@code ino};
     * 0 when only the copy's own count changed (a lower name linked to it in the upper).
     */
    void namesChanged(long ino, int delta, UpperFormat format) {
        Copy c = copies().get(ino);
        if (c == null) return;
        String path = dir + "/" + c.key;
        Stat st = Posix.lstatOrNull(path);
        long names = c.unionNames + delta;
        if (names <= 0 && st != null && st.nlink() == 1) {
            removeCopy(ino, c);
            return;
        }
        // No name left by the count while upper names still link the copy: as overlayfs, trust
        // the copy's own count (less the index's name) rather than lose what those names show.
        if (names <= 0 && st != null) names = st.nlink() - 1;
        Copy now = new Copy(c.key, names);
        copies().put(ino, now);
        if (st != null) format.setLinkCount(path, now.unionNames, st.nlink());
    }

    /**
     * The union shows no name of the copy any more and no upper name links it: it goes, as
     * overlayfs removes an index entry whose last name went. Open descriptors keep reading it.
     */
    private void removeCopy(long ino, Copy c) {
        keys.remove(c.key);
        copies().remove(ino);
        Posix.unlink(dir + "/" + c.key);
    }

    private Map<Long, Copy> copies() {
        Map<Long, Copy> c = copies;
        if (c != null) return c;
        synchronized (this) {
            if (copies == null) copies = readCopies();
            return copies;
        }
    }

    private Map<Long, Copy> readCopies() {
        Map<Long, Copy> byIno = new ConcurrentHashMap<>();
        for (String key : keys) {
            String path = dir + "/" + key;
            Stat st = Posix.lstatOrNull(path);
            if (st != null) byIno.put(st.ino(), new Copy(key, recordedNames(Markers.linkCount(path), st.nlink())));
        }
        return byIno;
    }

    /**
     * The union's count recorded on a copy ({@code U+n}: relative to the copy's own count), or,
     * without one that makes sense, the copy's own count, as overlayfs falls back to.
     */
    static long recordedNames(String recorded, long own) {
        if (recorded == null || recorded.length() < 3 || recorded.charAt(0) != 'U') return own;
        char sign = recorded.charAt(1);
        if (sign != '+' && sign != '-') return own;
        try {
            long n = own + Long.parseLong(recorded.substring(1));
            return n > 0 ? n : own;
        } catch (NumberFormatException e) {
            return own;
        }
    }

    /** Whether any lower inode has a copy here. */
    boolean inUse() {
        return !keys.isEmpty();
    }

    String dir() {
        return dir;
    }
}
