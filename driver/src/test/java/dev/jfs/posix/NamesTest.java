package dev.jfs.posix;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

class NamesTest {
    private static byte[] bytes(int... b) {
        byte[] out = new byte[b.length];
        for (int i = 0; i < b.length; i++) out[i] = (byte) b[i];
        return out;
    }

    @Test
    void validUtf8DecodesAsTheJdkDecodesIt() {
        for (String s : new String[] {"", "a", "motd", "añadido/ünïcode", "\u20ac", "\ud83d\ude00x", "\ufffd", "\u0000"}) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            assertEquals(s, Names.decode(b));
            assertArrayEquals(b, Names.encode(s));
        }
    }

    @Test
    void eachInvalidByteBecomesItsOwnLoneSurrogate() {
        assertEquals("\udcff\udcfe-x", Names.decode(bytes(0xff, 0xfe, '-', 'x')));
        // A lead byte whose sequence is cut short, then a valid character: only the cut bytes escape.
        assertEquals("\udce2\udc82A\u00e9", Names.decode(bytes(0xe2, 0x82, 'A', 0xc3, 0xa9)));
        // A stray continuation byte, and one at the end.
        assertEquals("a\udc80b\udcbf", Names.decode(bytes('a', 0x80, 'b', 0xbf)));
    }

    @Test
    void strictUtf8NoOverlongsNoEncodedSurrogatesNothingPastTheLastCodePoint() {
        assertEquals("\udcc0\udcaf", Names.decode(bytes(0xc0, 0xaf)));                 // overlong '/'
        assertEquals("\udce0\udc80\udcaf", Names.decode(bytes(0xe0, 0x80, 0xaf)));     // overlong '/'
        assertEquals("\udcf0\udc80\udc80\udcaf", Names.decode(bytes(0xf0, 0x80, 0x80, 0xaf)));
        // U+DCFF written as UTF-8 is not a name holding U+DCFF: it would read back as byte 0xff.
        assertEquals("\udced\udcb3\udcbf", Names.decode(bytes(0xed, 0xb3, 0xbf)));
        assertEquals("\udcf4\udc90\udc80\udc80", Names.decode(bytes(0xf4, 0x90, 0x80, 0x80))); // U+110000
        assertEquals("\udcf5\udc80\udc80\udc80", Names.decode(bytes(0xf5, 0x80, 0x80, 0x80)));
        assertEquals("\ud7ff", Names.decode(bytes(0xed, 0x9f, 0xbf)));
        assertEquals("\udbff\udfff", Names.decode(bytes(0xf4, 0x8f, 0xbf, 0xbf)));       // U+10FFFF
    }

    @Test
    void decodeTakesARangeOfTheArray() {
        byte[] b = bytes('x', 0xff, 'y', 'z');
        assertEquals("\udcffy", Names.decode(b, 1, 2));
        assertEquals("yz", Names.decode(b, 2, 2));
        assertEquals("", Names.decode(b, 4, 0));
    }

    @Test
    void encodeIsTheExactInverse() {
        assertArrayEquals(bytes(0xff, 0xfe, '-', 'x'), Names.encode("\udcff\udcfe-x"));
        // An escape right after a real astral character stays an escape.
        assertArrayEquals(bytes(0xf0, 0x9f, 0x98, 0x80, 0x80), Names.encode("\ud83d\ude00\udc80"));
    }

    @Test
    void aRealQuestionMarkBesideEscapedBytesKeepsBoth() {
        // '?' is also what the JDK writes for a lone surrogate: a name with both takes the slow way
        byte[] b = bytes('?', 0xff, 'a', '?', 0xc3, 0xa9, 0xf0, 0x9f, 0x98, 0x80, 0x80);
        assertArrayEquals(b, Names.encode(Names.decode(b)));
        assertArrayEquals(bytes('?', 'x'), Names.encode("?x"));
    }

    @Test
    void surrogatesNoDecodedNameHoldsBecomeQuestionMarks() {
        assertArrayEquals(bytes('a', '?', 'b'), Names.encode("a\ud800b"));
        assertArrayEquals(bytes('?'), Names.encode("\udc7f"));
    }

    /** Property: any byte string without NUL survives decode then encode, and decode is one to one. */
    @Test
    void randomByteStringsRoundTripExactly() {
        Random rnd = new Random(24);
        // Bytes weighted to where UTF-8 has its edges, so valid and invalid sequences mix.
        int[] pool = {'a', '/', '.', 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xe1,
                0xec, 0xed, 0xee, 0xef, 0xf0, 0xf1, 0xf3, 0xf4, 0xf5, 0xfe, 0xff};
        java.util.Map<String, byte[]> seen = new java.util.HashMap<>();
        for (int round = 0; round < 200_000; round++) {
            byte[] b = new byte[rnd.nextInt(12)];
            for (int i = 0; i < b.length; i++) {
                b[i] = (byte) (rnd.nextInt(3) == 0 ? 1 + rnd.nextInt(255) : pool[rnd.nextInt(pool.length)]);
            }
            String s = Names.decode(b);
            assertArrayEquals(b, Names.encode(s), () -> HexFormat.of().formatHex(b));
            byte[] before = seen.putIfAbsent(s, b);
            if (before != null) assertArrayEquals(before, b, "two byte strings decode to one name");
            if (isValidUtf8(b)) assertEquals(new String(b, StandardCharsets.UTF_8), s);
        }
    }

    private static boolean isValidUtf8(byte[] b) {
        try {
            StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(b));
            return true;
        } catch (java.nio.charset.CharacterCodingException e) {
            return false;
        }
    }

    @Test
    void everyTwoByteStringRoundTrips() {
        for (int a = 1; a < 256; a++) {
            for (int c = 1; c < 256; c++) {
                byte[] b = bytes(a, c);
                assertArrayEquals(b, Names.encode(Names.decode(b)), () -> Arrays.toString(b));
            }
        }
    }
}
