package dev.jfs.fuse;

import dev.jfs.posix.Posix;
import dev.jfs.posix.Stat;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;

/**
 * Keeps the kernel's attribute cache right for files with several names. libfuse2's high-level
 * API gives every name its own kernel inode, so a write through one name leaves the others'
 * cached size and times stale for the whole attribute timeout. Only names the kernel has looked
 * up can be stale, so we remember those (for entries with nlink > 1 only), and after a change
 * through one name make the kernel fetch the others' attributes again. Only from callbacks
 * where the kernel holds no directory lock (write, truncate, setattr, xattrs): the refresh walks
 * the other name's path through the mount.
 *
 * <p>That walk is a request the mount must serve while the callback that makes it waits, so it
 * needs a free loop thread. A callback refreshes before it answers only while another loop
 * thread is left to serve it; otherwise (one loop thread, or all but one already refreshing)
 * the refresh is handed to a thread of its own and the callback answers at once. Without this,
 * a write to a hard-linked file on a mount with {@code -o threads=1} hung the mount.
 *
 * <p>Refreshes of one file take turns. Two can run at once: the kernel sends RELEASE after
 * close(2) has returned, so a release's refresh may run beside the next change's. The kernel
 * drops a GETATTR answer when the inode took in attributes after that GETATTR was sent: so the
 * release's answer, read before the change but taken in after the change's GETATTR was sent,
 * made the kernel drop the change's fresh answer, and the other names showed the old size
 * until the attribute timeout (seed 154 of the differential test). In turns, the refresh that
 * starts after a change sends its GETATTR only once every refresh begun before it has ended.
 */
final class HardLinkSiblings {
    private final String mountPoint;
    private final ConcurrentHashMap<Long, Set<String>> namesByInode = new ConcurrentHashMap<>();
    /** Refreshes of one inode take turns on one of these (striped by inode number). */
    private final Object[] turns = new Object[64];
    /** Loop threads that may wait for a refresh: all but one. */
    private final Semaphore waitingThreads;
    private final ExecutorService later = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "hardlink-refresh");
        t.setDaemon(true);
        return t;
    });

    /** @param loopThreads how many threads serve the mount's requests */
    HardLinkSiblings(String mountPoint, int loopThreads) {
        this.mountPoint = mountPoint;
        this.waitingThreads = new Semaphore(Math.max(0, loopThreads - 1));
        for (int i = 0; i < turns.length; i++) turns[i] = new Object();
    }

    static boolean applies(Stat st) {
        return !st.isDirectory() && st.nlink() > 1;
    }

    /** A name the kernel now caches for a file with several names. */
    void seen(String fusePath, Stat st) {
        if (applies(st)) namesByInode.computeIfAbsent(st.ino(), i -> ConcurrentHashMap.newKeySet()).add(fusePath);
    }

    /**
     * A name renamed: a file with several names keeps being refreshed under its new name, and so
     * does every name below a renamed directory (the kernel moves their cached entries with it).
     */
    void renamed(String from, String to, Stat st) {
        if (st.isDirectory()) {
            movedBelow(from + "/", to + "/");
            return;
        }
        if (!applies(st)) return;
        Set<String> names = namesByInode.get(st.ino());
        if (names != null) names.remove(from);
        seen(to, st);
    }

    /** Names seen below a directory renamed (rare; the names are those of hard-linked files only). */
    private void movedBelow(String fromPrefix, String toPrefix) {
        for (Set<String> names : namesByInode.values()) {
            for (String name : names) {
                if (name.startsWith(fromPrefix)) {
                    names.remove(name);
                    names.add(toPrefix + name.substring(fromPrefix.length()));
                }
            }
        }
    }

    /** The file behind {@code fusePath} changed: refresh every other name the kernel has seen. */
    void changed(String fusePath, long ino) {
        Set<String> names = namesByInode.get(ino);
        if (names == null || names.size() < 2 && names.contains(fusePath)) return;
        if (waitingThreads.tryAcquire()) {
            try {
                refresh(ino, names, fusePath);
            } finally {
                waitingThreads.release();
            }
        } else {
            later.execute(() -> refresh(ino, names, fusePath));
        }
    }

    private void refresh(long ino, Set<String> names, String fusePath) {
        // Waiting here holds no thread the refresh needs: every caller that may wait holds a
        // permit of waitingThreads, so one loop thread is always left to answer the GETATTRs.
        synchronized (turns[(int) (ino ^ ino >>> 32) & turns.length - 1]) {
            for (String other : names) {
                if (other.equals(fusePath)) continue;
                // Through the mount, from this process: the kernel asks us (another FUSE thread)
                // for fresh attributes. A name since renamed or deleted is simply forgotten.
                if (!Posix.refreshAttributes(mountPoint + other)) names.remove(other);
            }
        }
    }
}
