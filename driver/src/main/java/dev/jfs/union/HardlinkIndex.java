package dev.jfs.union;

import dev.jfs.posix.Posix;
import dev.jfs.posix.Stat;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * overlayfs's {@code index=on} for jfs: when a lower file with several names is copied up, its
 * upper copy is also linked here under the lower inode's identity, so every other name of the same
 * lower inode resolves to that copy and is linked to it on its own copy-up. Names that share a
 * file keep sharing it, whichever name is written. Lives in {@code WORK/jfs-index}.
 */
public final class HardlinkIndex {
    private final String dir;
    private final Set<String> keys = ConcurrentHashMap.newKeySet();

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

    /** Records a copy just linked at {@link #pathFor}. */
    void added(Stat lower) {
        keys.add(key(lower));
    }

    /** Whether any lower inode has a copy here. */
    boolean inUse() {
        return !keys.isEmpty();
    }

    String dir() {
        return dir;
    }
}
