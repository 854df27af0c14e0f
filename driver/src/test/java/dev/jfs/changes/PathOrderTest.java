package dev.jfs.changes;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jfs.posix.Names;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PathOrderTest {
    /** Code points where UTF-16 order and UTF-8 byte order part: ASCII, the end of the BMP, astral. */
    private static final int[] CODE_POINTS = {'a', 'b', '.', 0xe9, 0xd7ff, 0xe000, 0xfb01, 0xfffd, 0x10000, 0x1f600, 0x10ffff};

    @Test
    void namesSortAsTheBytesOfTheirUtf8() {
        Random rnd = new Random(7);
        for (int round = 0; round < 20_000; round++) {
            String a = name(rnd), b = rnd.nextInt(4) == 0 ? a + name(rnd) : name(rnd);
            int expected = Integer.signum(Arrays.compareUnsigned(
                    a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8)));
            assertEquals(expected, Integer.signum(PathOrder.compareNames(a, b)), a + " against " + b);
            assertEquals(-expected, Integer.signum(PathOrder.compareNames(b, a)), b + " against " + a);
        }
    }

    /** Names that are not UTF-8 ({@link Names}' lone surrogates) sort by their bytes on disk too. */
    @Test
    void namesWithBytesThatAreNotUtf8SortAsTheirBytes() {
        Random rnd = new Random(24);
        int[] pool = {'a', 0x7f, 0x80, 0x90, 0xbf, 0xc3, 0xa9, 0xe0, 0xed, 0xef, 0xf0, 0x9f, 0x98, 0xf4, 0xff};
        for (int round = 0; round < 50_000; round++) {
            byte[] x = bytes(rnd, pool), y = rnd.nextInt(4) == 0 ? concat(x, bytes(rnd, pool)) : bytes(rnd, pool);
            String a = Names.decode(x), b = Names.decode(y);
            int expected = Integer.signum(Arrays.compareUnsigned(x, y));
            assertEquals(expected, Integer.signum(PathOrder.compareNames(a, b)), HexFormat.of().formatHex(x) + " against " + HexFormat.of().formatHex(y));
            assertEquals(-expected, Integer.signum(PathOrder.compareNames(b, a)));
        }
    }

    private static byte[] bytes(Random rnd, int[] pool) {
        byte[] b = new byte[1 + rnd.nextInt(6)];
        for (int i = 0; i < b.length; i++) b[i] = (byte) pool[rnd.nextInt(pool.length)];
        return b;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static String name(Random rnd) {
        StringBuilder s = new StringBuilder();
        for (int i = rnd.nextInt(4); i >= 0; i--) s.appendCodePoint(CODE_POINTS[rnd.nextInt(CODE_POINTS.length)]);
        return s.toString();
    }
}
