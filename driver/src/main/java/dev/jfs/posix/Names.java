package dev.jfs.posix;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * File names as Linux has them, bytes, carried in Java Strings without loss: UTF-8, and each
 * byte that is not part of a valid UTF-8 sequence as the lone surrogate U+DC80+byte (what
 * Python calls surrogateescape). Java's own decoders turn such bytes into U+FFFD, and the name a
 * program created would not be the name stored. Every byte string decodes to a String that
 * {@link #encode} turns back into the same bytes.
 *
 * <p>Validation is strict UTF-8: overlong forms, encoded surrogates (ED A0..ED BF) and code
 * points above U+10FFFF are not valid, so their bytes are escaped one by one; an escape can
 * never be confused with a character the name really holds.
 */
public final class Names {
    private static final char ESCAPE_BASE = 0xDC00;

    private Names() {}

    public static String decode(byte[] bytes) {
        return decode(bytes, 0, bytes.length);
    }

    /** The name held in {@code length} bytes of {@code bytes} from {@code offset}. */
    public static String decode(byte[] bytes, int offset, int length) {
        int end = offset + length;
        int i = offset;
        while (i < end && bytes[i] >= 0) i++;
        // All ASCII, by far the commonest: the JDK makes a one-byte-per-char String directly.
        if (i == end) return new String(bytes, offset, length, StandardCharsets.ISO_8859_1);
        char[] out = new char[length];
        int n = 0;
        for (int k = offset; k < i; k++) out[n++] = (char) bytes[k];
        while (i < end) {
            int b0 = bytes[i] & 0xff;
            if (b0 < 0x80) {
                out[n++] = (char) b0;
                i++;
                continue;
            }
            int size = sequenceLength(bytes, i, end);
            if (size == 0) {
                out[n++] = (char) (ESCAPE_BASE + b0);
                i++;
            } else if (size == 2) {
                out[n++] = (char) (((b0 & 0x1f) << 6) | (bytes[i + 1] & 0x3f));
                i += 2;
            } else if (size == 3) {
                out[n++] = (char) (((b0 & 0x0f) << 12) | ((bytes[i + 1] & 0x3f) << 6) | (bytes[i + 2] & 0x3f));
                i += 3;
            } else {
                int cp = ((b0 & 0x07) << 18) | ((bytes[i + 1] & 0x3f) << 12) | ((bytes[i + 2] & 0x3f) << 6)
                        | (bytes[i + 3] & 0x3f);
                out[n++] = Character.highSurrogate(cp);
                out[n++] = Character.lowSurrogate(cp);
                i += 4;
            }
        }
        return new String(out, 0, n);
    }

    /**
     * The length of the valid UTF-8 sequence that starts at {@code i} with a byte of 0x80 or
     * more (2, 3 or 4), or 0 if none does (the lead byte is then escaped alone, and whatever
     * follows it is decoded afresh).
     */
    private static int sequenceLength(byte[] b, int i, int end) {
        int b0 = b[i] & 0xff;
        if (b0 >= 0xC2 && b0 <= 0xDF) {
            return i + 1 < end && continuation(b[i + 1]) ? 2 : 0;
        }
        if (b0 >= 0xE0 && b0 <= 0xEF) {
            if (i + 2 >= end) return 0;
            int b1 = b[i + 1] & 0xff;
            int low = b0 == 0xE0 ? 0xA0 : 0x80, high = b0 == 0xED ? 0x9F : 0xBF; // no overlongs, no surrogates
            return b1 >= low && b1 <= high && continuation(b[i + 2]) ? 3 : 0;
        }
        if (b0 >= 0xF0 && b0 <= 0xF4) {
            if (i + 3 >= end) return 0;
            int b1 = b[i + 1] & 0xff;
            int low = b0 == 0xF0 ? 0x90 : 0x80, high = b0 == 0xF4 ? 0x8F : 0xBF; // no overlongs, nothing past U+10FFFF
            return b1 >= low && b1 <= high && continuation(b[i + 2]) && continuation(b[i + 3]) ? 4 : 0;
        }
        return 0;
    }

    private static boolean continuation(byte b) {
        return (b & 0xC0) == 0x80;
    }

    /**
     * The bytes of a name {@link #decode} made: UTF-8, and each lone U+DC80..U+DCFF as the byte
     * it stands for. Any other unpaired surrogate (no decoded name holds one) becomes '?', as
     * {@link String#getBytes} makes it.
     */
    public static byte[] encode(String s) {
        // The JDK's UTF-8 (its fast path) gives exactly these bytes where the name has no lone
        // surrogate, and it writes '?' for each one: only a name with a '?' needs the loop below.
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        if (!contains(utf8, (byte) '?')) return utf8;
        char[] chars = s.toCharArray(); // indexed directly: charAt per character costs a call on C1
        int len = chars.length;
        byte[] out = new byte[len * 3];
        int n = 0;
        for (int i = 0; i < len; i++) {
            char c = chars[i];
            if (c < 0x80) {
                out[n++] = (byte) c;
            } else if (c < 0x800) {
                out[n++] = (byte) (0xC0 | (c >> 6));
                out[n++] = (byte) (0x80 | (c & 0x3f));
            } else if (Character.isHighSurrogate(c) && i + 1 < len && Character.isLowSurrogate(chars[i + 1])) {
                int cp = Character.toCodePoint(c, chars[++i]);
                out[n++] = (byte) (0xF0 | (cp >> 18));
                out[n++] = (byte) (0x80 | ((cp >> 12) & 0x3f));
                out[n++] = (byte) (0x80 | ((cp >> 6) & 0x3f));
                out[n++] = (byte) (0x80 | (cp & 0x3f));
            } else if (isEscape(c)) {
                out[n++] = (byte) (c - ESCAPE_BASE);
            } else if (Character.isSurrogate(c)) {
                out[n++] = '?';
            } else {
                out[n++] = (byte) (0xE0 | (c >> 12));
                out[n++] = (byte) (0x80 | ((c >> 6) & 0x3f));
                out[n++] = (byte) (0x80 | (c & 0x3f));
            }
        }
        return Arrays.copyOf(out, n);
    }

    private static boolean contains(byte[] b, byte value) {
        for (byte x : b) {
            if (x == value) return true;
        }
        return false;
    }

    /** Whether {@code c} is a lone surrogate standing for a byte that was not valid UTF-8. */
    static boolean isEscape(char c) {
        return c >= 0xDC80 && c <= 0xDCFF;
    }
}
