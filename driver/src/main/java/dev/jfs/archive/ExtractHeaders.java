package dev.jfs.archive;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What commons-compress cannot give exactly, read again from the raw bytes of an entry's
 * headers (the extractor keeps those bytes as the tar reader consumes them):
 * <ul>
 *   <li>{@code SCHILY.xattr.*} values: commons-compress decodes every PAX value as UTF-8, which
 *       mangles binary xattrs such as {@code security.capability};</li>
 *   <li>the path and link target as bytes: a name that is not UTF-8 (GNU tar and Go's
 *       archive/tar write such names as they are, in the PAX record and the ustar field) would
 *       come back with U+FFFD in place of its bytes.</li>
 * </ul>
 */
final class ExtractHeaders {
    static final String XATTR = "SCHILY.xattr.";
    private static final int BLOCK = 512;
    private static final int NAME = 0, NAME_LEN = 100, SIZE = 124, TYPE = 156, LINK = 157, MAGIC = 257,
            PREFIX = 345, PREFIX_LEN = 155, XSTAR_PREFIX_LEN = 131, XSTAR_MAGIC = 508;

    /**
     * One entry's headers: its xattrs (values exact), its path and its link target (empty if it
     * has none) as bytes, from a PAX record, else a GNU long name entry, else the ustar fields.
     */
    record Parsed(Map<String, byte[]> xattrs, byte[] path, byte[] linkPath) {}

    private ExtractHeaders() {}

    /**
     * Parses {@code raw}: the bytes read for one entry's headers, starting {@code skip} bytes
     * before the first header (the previous entry's padding). Returns null if the bytes do not
     * parse as expected (the caller then keeps commons-compress's decoded values).
     */
    static Parsed parse(byte[] raw, int skip) {
        Map<String, byte[]> xattrs = new LinkedHashMap<>();
        byte[][] pax = new byte[2][]; // path, linkpath
        byte[] gnuName = null, gnuLink = null;
        int o = skip;
        while (o + BLOCK <= raw.length) {
            byte type = raw[o + TYPE];
            long size = octal(raw, o + SIZE, 12);
            if (size < 0) return null;
            int dataStart = o + BLOCK;
            long next = dataStart + ((size + BLOCK - 1) / BLOCK) * BLOCK;
            if (type == 'x' || type == 'X' || type == 'L' || type == 'K') {
                if (dataStart + size > raw.length) return null;
                if (type == 'L') {
                    gnuName = untilNul(raw, dataStart, (int) size);
                } else if (type == 'K') {
                    gnuLink = untilNul(raw, dataStart, (int) size);
                } else if (!records(raw, dataStart, (int) size, xattrs, pax)) {
                    return null;
                }
            } else if (type != 'g') {
                // The entry's own header: the extended headers are over.
                byte[] path = pax[0] != null ? pax[0] : gnuName != null ? gnuName : ustarName(raw, o);
                byte[] link = pax[1] != null ? pax[1] : gnuLink != null ? gnuLink : untilNul(raw, o + LINK, NAME_LEN);
                return new Parsed(xattrs, path, link);
            }
            if (next > raw.length) return null;
            o = (int) next;
        }
        return null;
    }

    /** The name field, after the prefix field and a slash where the format has one and it is set. */
    private static byte[] ustarName(byte[] b, int header) {
        byte[] name = untilNul(b, header + NAME, NAME_LEN);
        boolean posix = b[header + MAGIC + 5] == 0 && startsWith(b, header + MAGIC, "ustar");
        if (!posix) return name; // old tar, or GNU's format, whose bytes there hold times
        boolean xstar = startsWith(b, header + XSTAR_MAGIC, "tar\0");
        byte[] prefix = untilNul(b, header + PREFIX, xstar ? XSTAR_PREFIX_LEN : PREFIX_LEN);
        if (prefix.length == 0) return name;
        byte[] out = Arrays.copyOf(prefix, prefix.length + 1 + name.length);
        out[prefix.length] = '/';
        System.arraycopy(name, 0, out, prefix.length + 1, name.length);
        return out;
    }

    private static boolean startsWith(byte[] b, int at, String ascii) {
        for (int i = 0; i < ascii.length(); i++) {
            if (b[at + i] != ascii.charAt(i)) return false;
        }
        return true;
    }

    private static byte[] untilNul(byte[] b, int start, int max) {
        int end = start;
        while (end < start + max && b[end] != 0) end++;
        return Arrays.copyOfRange(b, start, end);
    }

    /** The records of one PAX header: xattrs into {@code xattrs}, path and linkpath into {@code names}. */
    private static boolean records(byte[] b, int start, int len, Map<String, byte[]> xattrs, byte[][] names) {
        int p = start, end = start + len;
        while (p < end) {
            if (b[p] == 0) break; // NUL padding after the last record
            int sp = p;
            long n = 0;
            while (sp < end && b[sp] >= '0' && b[sp] <= '9') n = n * 10 + (b[sp++] - '0');
            if (sp >= end || b[sp] != ' ' || n <= 0 || p + n > end) return false;
            int recEnd = (int) (p + n); // exclusive; the record's last byte is '\n'
            if (b[recEnd - 1] != '\n') return false;
            int eq = sp + 1;
            while (eq < recEnd && b[eq] != '=') eq++;
            if (eq >= recEnd) return false;
            String key = new String(b, sp + 1, eq - sp - 1, StandardCharsets.UTF_8);
            byte[] value = Arrays.copyOfRange(b, eq + 1, recEnd - 1);
            if (key.startsWith(XATTR)) {
                xattrs.put(key.substring(XATTR.length()), value);
            } else if (key.equals("path")) {
                names[0] = value;
            } else if (key.equals("linkpath")) {
                names[1] = value;
            }
            p = recEnd;
        }
        return true;
    }

    /** An octal header field (or GNU base-256), -1 if malformed. */
    private static long octal(byte[] b, int off, int len) {
        if ((b[off] & 0x80) != 0) {
            long v = b[off] & 0x7f;
            for (int i = 1; i < len; i++) v = (v << 8) | (b[off + i] & 0xff);
            return v;
        }
        long v = 0;
        int i = off, end = off + len;
        while (i < end && b[i] == ' ') i++;
        for (; i < end && b[i] >= '0' && b[i] <= '7'; i++) v = v * 8 + (b[i] - '0');
        if (i < end && b[i] != 0 && b[i] != ' ') return -1;
        return v;
    }
}
