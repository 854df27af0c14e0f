package dev.jfs.changes;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
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

    private static String name(Random rnd) {
        StringBuilder s = new StringBuilder();
        for (int i = rnd.nextInt(4); i >= 0; i--) s.appendCodePoint(CODE_POINTS[rnd.nextInt(CODE_POINTS.length)]);
        return s.toString();
    }
}
