package dev.jfs.changes;

import dev.jfs.posix.Names;
import java.util.Arrays;
import java.util.Comparator;

/**
 * The order of names within a directory, for diff lines and layer tar entries alike: the byte
 * order of the names as they are on disk ({@link Names#encode}), which for UTF-8 is code point
 * order (what {@code LC_ALL=C sort} and Go's sort give), not Java's UTF-16 order. A directory's
 * contents follow it: tree order.
 */
public final class PathOrder {
    private PathOrder() {}

    public static final Comparator<String> NAMES = PathOrder::compareNames;

    static int compareNames(String a, String b) {
        int n = Math.min(a.length(), b.length());
        for (int i = 0; i < n; i++) {
            char ca = a.charAt(i), cb = b.charAt(i);
            if (ca == cb) continue;
            // A byte that is not UTF-8 stands alone where a character's bytes stand, and may
            // equal their first byte: compare the rest of both as bytes (rare; everything else
            // is decided by the first unit that differs).
            boolean pairHalves = i > 0 && Character.isHighSurrogate(a.charAt(i - 1));
            if (!pairHalves && (isEscape(ca) || isEscape(cb))) {
                return Arrays.compareUnsigned(Names.encode(a.substring(i)), Names.encode(b.substring(i)));
            }
            return Integer.compare(rank(ca), rank(cb));
        }
        return Integer.compare(a.length(), b.length());
    }

    /**
     * {@link Names}' escape for a byte that is not UTF-8, a lone U+DC80..U+DCFF, unless it follows
     * a high surrogate: then it is the second half of a pair, as is the other name's unit there.
     */
    private static boolean isEscape(char c) {
        return c >= 0xDC80 && c <= 0xDCFF;
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
