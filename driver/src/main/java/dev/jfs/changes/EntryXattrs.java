package dev.jfs.changes;

import dev.jfs.layout.Markers;
import dev.jfs.posix.Posix;
import dev.jfs.union.Node;
import dev.jfs.union.UnionView;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/** An entry's xattrs as the mount shows them (the union's own left out), sorted by name. */
public final class EntryXattrs {
    private EntryXattrs() {}

    public static Map<String, byte[]> of(UnionView view, Node n) {
        Map<String, byte[]> out = new TreeMap<>();
        for (String name : view.listxattr(n)) {
            byte[] v = view.getxattr(n, name);
            if (v != null) out.put(name, v);
        }
        return out;
    }

    /**
     * The same for a regular file already open as {@code fd} (the same inode as the node's real
     * path): no path lookup. The union's own are left out as {@link UnionView#listxattr} does.
     */
    public static Map<String, byte[]> ofOpenFile(int fd) {
        Map<String, byte[]> out = new TreeMap<>();
        for (String name : Posix.flistxattr(fd)) {
            if (Markers.isInternalXattr(name)) continue;
            byte[] v = Posix.fgetxattr(fd, name);
            if (v != null) out.put(name, v);
        }
        return out;
    }

    static boolean equal(Map<String, byte[]> a, Map<String, byte[]> b) {
        if (!a.keySet().equals(b.keySet())) return false;
        for (Map.Entry<String, byte[]> e : a.entrySet()) {
            if (!Arrays.equals(e.getValue(), b.get(e.getKey()))) return false;
        }
        return true;
    }
}
