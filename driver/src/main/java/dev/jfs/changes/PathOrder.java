package dev.jfs.changes;

import java.util.Comparator;

/**
 * The order of names within a directory, for diff lines and layer tar entries alike: by Unicode
 * code point, which is the byte order of the names' UTF-8 (what {@code LC_ALL=C sort} and Go's
 * sort give), not Java's UTF-16 order. A directory's contents follow it: tree order.
 */
public final class PathOrder {
    private PathOrder() {}

    public static final Comparator<String> NAMES = PathOrder::compareNames;

    static int compareNames(String a, String b) {
        int i = 0, j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i), cb = b.codePointAt(j);
            if (ca != cb) return Integer.compare(ca, cb);
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }
}
