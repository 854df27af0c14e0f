package dev.jfs.archive;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The exact bytes of {@code SCHILY.xattr.*} values. commons-compress decodes every PAX value as
 * UTF-8, which mangles binary xattrs such as {@code security.capability}; so the extractor keeps
 * the raw bytes that the tar reader consumed for an entry's headers and this class reads the PAX
 * records from them again, values as bytes.
 */
final class ExtractPax {
    static final String XATTR = "SCHILY.xattr.";
    private static final int BLOCK = 512;

    private ExtractPax() {}

    /**
     * The xattrs in the PAX extended headers among {@code raw}: the bytes read for one entry's
     * headers, starting {@code skip} bytes before the first header (the previous entry's padding).
     * Returns null if the bytes do not parse as expected (the caller then keeps commons-compress's
     * decoded values).
     */
    static Map<String, byte[]> xattrs(byte[] raw, int skip) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        int o = skip;
        while (o + BLOCK <= raw.length) {
            byte type = raw[o + 156];
            long size = octal(raw, o + 124, 12);
            if (size < 0) return null;
            int dataStart = o + BLOCK;
            long next = dataStart + ((size + BLOCK - 1) / BLOCK) * BLOCK;
            if (type == 'x' || type == 'X') {
                if (dataStart + size > raw.length) return null;
                if (!records(raw, dataStart, (int) size, out)) return null;
            } else if (type != 'g' && type != 'L' && type != 'K') {
                return out; // the entry's own header: the extended headers are over
            }
            if (next > raw.length) return null;
            o = (int) next;
        }
        return out;
    }

    private static boolean records(byte[] b, int start, int len, Map<String, byte[]> out) {
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
            if (key.startsWith(XATTR)) {
                byte[] value = new byte[recEnd - 1 - (eq + 1)];
                System.arraycopy(b, eq + 1, value, 0, value.length);
                out.put(key.substring(XATTR.length()), value);
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
