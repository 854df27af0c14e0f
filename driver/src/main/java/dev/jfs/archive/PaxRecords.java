package dev.jfs.archive;

import dev.jfs.posix.Names;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The records of one PAX extended header ({@code "LEN key=value\n"}), kept as bytes: xattr values
 * such as {@code security.capability} are binary, and commons-compress would write a PAX value
 * as a Java string re-encoded to UTF-8. Records come out in the order added.
 */
final class PaxRecords {
    private final Map<String, byte[]> records = new LinkedHashMap<>();

    /** A text value: a path or link target as its exact bytes ({@link Names}), so a name that is not UTF-8 stays itself. */
    void put(String key, String value) {
        records.put(key, Names.encode(value));
    }

    void put(String key, byte[] value) {
        records.put(key, value);
    }

    boolean isEmpty() {
        return records.isEmpty();
    }

    byte[] encode() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Map.Entry<String, byte[]> r : records.entrySet()) {
            byte[] key = r.getKey().getBytes(StandardCharsets.UTF_8);
            int body = key.length + r.getValue().length + 3; // ' ', '=', '\n'
            int len = body + digits(body);
            if (digits(len) != digits(body)) len = body + digits(len);
            out.writeBytes((len + " ").getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(key);
            out.write('=');
            out.writeBytes(r.getValue());
            out.write('\n');
        }
        return out.toByteArray();
    }

    private static int digits(int n) {
        return Integer.toString(n).length();
    }
}
