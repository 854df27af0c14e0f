package dev.jfs.nativetest.session;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The entry names of a tar as the bytes it holds: from the ustar name and prefix fields, or from
 * a PAX {@code path} record or a GNU long name where one precedes the entry. A tar library would
 * decode them as text and hide what the test looks for.
 */
final class TarNames {
    private TarNames() {}

    static List<byte[]> of(byte[] tar) {
        List<byte[]> names = new ArrayList<>();
        byte[] longName = null;
        for (int at = 0; at + 512 <= tar.length; ) {
            byte[] header = Arrays.copyOfRange(tar, at, at + 512);
            if (allZero(header)) break;
            long size = octal(header, 124, 12);
            byte type = header[156];
            byte[] body = Arrays.copyOfRange(tar, at + 512, (int) (at + 512 + size));
            at += 512 + (int) ((size + 511) / 512 * 512);
            if (type == 'x') {
                byte[] path = paxPath(body);
                if (path != null) longName = path;
            } else if (type == 'L') {
                longName = cString(body, 0, body.length);
            } else if (type != 'g') {
                names.add(longName != null ? longName : ustarName(header));
                longName = null;
            }
        }
        return names;
    }

    private static byte[] ustarName(byte[] h) {
        byte[] name = cString(h, 0, 100), prefix = cString(h, 345, 155);
        if (prefix.length == 0) return name;
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(prefix);
        b.write('/');
        b.writeBytes(name);
        return b.toByteArray();
    }

    /** The value of the {@code path} record of a PAX header's records ("LEN key=value\n"), or null. */
    private static byte[] paxPath(byte[] records) {
        for (int at = 0; at < records.length; ) {
            int space = indexOf(records, (byte) ' ', at);
            if (space < 0) break;
            int length = Integer.parseInt(new String(records, at, space - at, StandardCharsets.US_ASCII));
            int equals = indexOf(records, (byte) '=', space);
            String key = new String(records, space + 1, equals - space - 1, StandardCharsets.US_ASCII);
            if (key.equals("path")) return Arrays.copyOfRange(records, equals + 1, at + length - 1);
            at += length;
        }
        return null;
    }

    private static long octal(byte[] h, int at, int length) {
        String s = new String(cString(h, at, length), StandardCharsets.US_ASCII).trim();
        return s.isEmpty() ? 0 : Long.parseLong(s, 8);
    }

    private static byte[] cString(byte[] b, int at, int length) {
        int end = at;
        while (end < at + length && b[end] != 0) end++;
        return Arrays.copyOfRange(b, at, end);
    }

    private static int indexOf(byte[] b, byte c, int from) {
        for (int i = from; i < b.length; i++) if (b[i] == c) return i;
        return -1;
    }

    private static boolean allZero(byte[] b) {
        for (byte x : b) if (x != 0) return false;
        return true;
    }
}
