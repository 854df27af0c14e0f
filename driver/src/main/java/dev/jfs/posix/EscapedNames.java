package dev.jfs.posix;

/**
 * A name or path as jfs prints it, one line of valid UTF-8 that says exactly which bytes it
 * stands for: each byte that is not part of valid UTF-8 as {@code \xHH} (two lower-case hex
 * digits), each control character (U+0000..U+001F, U+007F) the same way, a backslash as
 * {@code \\}, anything else as it is. So {@code b"\xff\xfe-x"} prints as {@code \xff\xfe-x},
 * and no two names print alike.
 */
public final class EscapedNames {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private EscapedNames() {}

    /** {@code name} as {@link Names#decode} gives it, escaped to print. */
    public static String of(String name) {
        int i = 0;
        while (i < name.length() && !needsEscape(name, i)) i++;
        if (i == name.length()) return name; // the commonest case: nothing to escape, no copy
        StringBuilder out = new StringBuilder(name.length() + 8).append(name, 0, i);
        for (; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '\\') {
                out.append("\\\\");
            } else if (needsEscape(name, i)) {
                int b = Names.isEscape(c) ? c - 0xDC00 : c;
                out.append("\\x").append(HEX[b >> 4]).append(HEX[b & 0xf]);
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static boolean needsEscape(String s, int i) {
        char c = s.charAt(i);
        if (c < 0x20 || c == 0x7f || c == '\\') return true;
        // A low surrogate after a high one is half of a real character, not an escaped byte.
        return Names.isEscape(c) && (i == 0 || !Character.isHighSurrogate(s.charAt(i - 1)));
    }
}
