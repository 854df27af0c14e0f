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
        int n = Math.min(a.length(), b.length());
        for (int i = 0; i < n; i++) {
            char ca = a.charAt(i), cb = b.charAt(i);
            if (ca != cb) return Integer.compare(rank(ca), rank(cb));
        }
        return Integer.compare(a.length(), b.length());
    }

    /**
     * A UTF-16 unit's place in code point order, compared unit by unit without decoding: units
     * below the surrogates are their code points; surrogates stand for code points above U+FFFF,
     * so they move after U+E000..U+FFFF (which move down to make room). Where two names first
     * differ in a surrogate, both are high surrogates or both low ones of the same high one, and
     * their order is their code points' order.
     */
    private static int rank(char c) {
        if (c < 0xD800) return c;
        return c >= 0xE000 ? c - 0x800 : c + 0x2000;
    }
}
