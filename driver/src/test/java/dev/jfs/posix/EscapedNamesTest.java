package dev.jfs.posix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EscapedNamesTest {
    @Test
    void bytesThatAreNotUtf8PrintAsHex() {
        assertEquals("/\\xff\\xfe-x", EscapedNames.of("/" + Names.decode(new byte[] {(byte) 0xff, (byte) 0xfe, '-', 'x'})));
        assertEquals("a\\x0ab\\x09\\x7f", EscapedNames.of("a\nb\t\u007f"));
        assertEquals("a\\\\xffb", EscapedNames.of("a\\xffb"), "a backslash is doubled: no name prints as another's escape");
    }

    @Test
    void utf8PrintsAsItIs() {
        String s = "/añadido/ünïcode \ud83d\ude00 \udbff\udfff";
        assertSame(s, EscapedNames.of(s));
        // A real character whose low surrogate lies in the escapes' range (U+10080) is not an escape.
        assertEquals("\ud800\udc80", EscapedNames.of(new String(Character.toChars(0x10080))));
    }

    /** Property: two different byte strings never print the same. */
    @Test
    void noTwoNamesPrintAlike() {
        Random rnd = new Random(5);
        int[] pool = {'a', '\\', 'x', 'f', '0', '\n', 0x7f, 0x80, 0xc3, 0xa9, 0xe0, 0xf0, 0x90, 0xff};
        Map<String, String> seen = new HashMap<>();
        for (int round = 0; round < 100_000; round++) {
            byte[] b = new byte[rnd.nextInt(6)];
            for (int i = 0; i < b.length; i++) b[i] = (byte) pool[rnd.nextInt(pool.length)];
            String hex = java.util.HexFormat.of().formatHex(b);
            String printed = EscapedNames.of(Names.decode(b));
            String before = seen.putIfAbsent(printed, hex);
            if (before != null) assertEquals(before, hex, "two names print as " + printed);
        }
    }
}
