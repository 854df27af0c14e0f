package dev.jfs.nativetest.changes;

import java.nio.charset.StandardCharsets;
import java.util.Comparator;

/**
 * The order diff lines and tar entries come in: a path's components compared one by one, names
 * as UTF-8 bytes (unsigned), a directory before its entries and its entries right after it.
 * Unlike a plain string sort, "/a/b" comes before "/a-b".
 */
final class TreeOrder {
    private TreeOrder() {}

    /** Compares "/a/b"-style paths (a leading "/" is optional, "" or "/" is the root). */
    static final Comparator<String> PATHS = TreeOrder::compare;

    static int compare(String a, String b) {
        String[] x = components(a), y = components(b);
        for (int i = 0; i < Math.min(x.length, y.length); i++) {
            int c = compareBytes(x[i], y[i]);
            if (c != 0) return c;
        }
        return Integer.compare(x.length, y.length);
    }

    static String[] components(String p) {
        String s = p.startsWith("/") ? p.substring(1) : p;
        if (s.endsWith("/")) s = s.substring(0, s.length() - 1);
        return s.isEmpty() ? new String[0] : s.split("/", -1);
    }

    static int compareBytes(String a, String b) {
        byte[] x = a.getBytes(StandardCharsets.UTF_8), y = b.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < Math.min(x.length, y.length); i++) {
            int c = Integer.compare(x[i] & 0xff, y[i] & 0xff);
            if (c != 0) return c;
        }
        return Integer.compare(x.length, y.length);
    }

    static String parent(String p) {
        int i = p.lastIndexOf('/');
        return i <= 0 ? "/" : p.substring(0, i);
    }

    static boolean isAncestor(String ancestor, String p) {
        return !ancestor.equals(p) && (ancestor.equals("/") || p.startsWith(ancestor + "/"));
    }
}
