package dev.jfs.posix;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * File names as the kernel has them, bytes, held in Java Strings without loss: valid UTF-8 is
 * decoded, and each byte that is not part of valid UTF-8 becomes the lone surrogate
 * U+DC80+byte (Python's surrogateescape), which {@link #encode} turns back into that byte.
 */
public final class Names {
    private Names() {}

    public static String decode(byte[] bytes) {
        return decode(bytes, 0, bytes.length);
    }

    public static String decode(byte[] bytes, int offset, int length) {
        boolean ascii = true;
        for (int i = offset; i < offset + length && ascii; i++) ascii = bytes[i] >= 0;
        if (ascii) return new String(bytes, offset, length, StandardCharsets.ISO_8859_1);
        CharsetDecoder d = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes, offset, length);
        CharBuffer out = CharBuffer.allocate(length);
        while (true) {
            CoderResult r = d.decode(in, out, true);
            if (r.isUnderflow()) break;
            if (r.isError()) {
                for (int i = 0; i < r.length(); i++) out.put((char) (0xDC00 | (in.get() & 0xff)));
            }
        }
        d.flush(out);
        return out.flip().toString();
    }

    public static byte[] encode(String s) {
        boolean plain = true;
        for (int i = 0; i < s.length() && plain; i++) plain = s.charAt(i) < 0x80;
        if (plain) return s.getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer out = ByteBuffer.allocate(s.length() * 3);
        int start = 0;
        for (int i = 0; i <= s.length(); i++) {
            char c = i < s.length() ? s.charAt(i) : 0;
            boolean escaped = i < s.length() && c >= 0xDC80 && c <= 0xDCFF
                    && !(i > 0 && Character.isHighSurrogate(s.charAt(i - 1)));
            if (escaped || i == s.length()) {
                out.put(s.substring(start, i).getBytes(StandardCharsets.UTF_8));
                if (escaped) out.put((byte) (c & 0xff));
                start = i + 1;
            }
        }
        byte[] b = new byte[out.position()];
        out.flip().get(b);
        return b;
    }
}
