package dev.jfs.fuse.adapter;

import dev.jfs.posix.Errno;
import dev.jfs.posix.FsException;
import dev.jfs.posix.Posix;
import dev.jfs.union.UnionFs;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The files the kernel holds open, by handle (the real file's descriptor), and by node: a file
 * unlinked while open is still served from its descriptor, under no name.
 */
final class OpenFiles {
    private final Map<Long, OpenFile> byHandle = new ConcurrentHashMap<>();
    private final Map<FsNode, List<OpenFile>> byNode = new HashMap<>();

    long add(OpenFile f) {
        byHandle.put((long) f.fd, f);
        synchronized (byNode) {
            byNode.computeIfAbsent(f.node, k -> new ArrayList<>(1)).add(f);
        }
        return f.fd;
    }

    OpenFile get(long handle) {
        OpenFile f = byHandle.get(handle);
        if (f == null) throw new FsException(Errno.EBADF, "file handle " + handle);
        return f;
    }

    /** The kernel released the handle: forgotten here; the caller closes its descriptor. */
    OpenFile remove(long handle) {
        OpenFile f = byHandle.remove(handle);
        if (f == null) throw new FsException(Errno.EBADF, "file handle " + handle);
        synchronized (byNode) {
            List<OpenFile> l = byNode.get(f.node);
            if (l != null) {
                l.remove(f);
                if (l.isEmpty()) byNode.remove(f.node);
            }
        }
        return f;
    }

    /** Some descriptor open on the node's file, or null: the writable one if any. */
    OpenFile anyOf(FsNode n) {
        synchronized (byNode) {
            List<OpenFile> l = byNode.get(n);
            if (l == null) return null;
            for (OpenFile f : l) if (f.writable) return f;
            return l.get(0);
        }
    }

    /**
     * The node's descriptors still open on a lower file, or null if none: after a change that
     * may have copied the file up, they are moved to the upper copy ({@link #moveUp}), as the
     * kernel's overlayfs serves them.
     */
    List<OpenFile> onLower(FsNode n) {
        List<OpenFile> lower = null;
        synchronized (byNode) {
            List<OpenFile> l = byNode.get(n);
            if (l == null) return null;
            for (OpenFile f : l) {
                if (f.inUpper) continue;
                if (lower == null) lower = new ArrayList<>();
                lower.add(f);
            }
        }
        return lower;
    }

    /** Moves {@code lower} onto {@code now}, the file reopened, if it is the upper copy; closes {@code now}. */
    void moveUp(List<OpenFile> lower, UnionFs.Opened now) {
        try {
            if (!now.inUpper()) return;
            for (OpenFile f : lower) {
                Posix.dup2(now.fd(), f.fd);
                f.inUpper = true;
            }
        } finally {
            Posix.close(now.fd());
        }
    }
}
