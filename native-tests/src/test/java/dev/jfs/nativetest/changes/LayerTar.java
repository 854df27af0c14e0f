package dev.jfs.nativetest.changes;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Reads a layer tar twice: with commons-compress for the entries, and block by block for what
 * that library folds away (the raw PAX keys of each entry, the header magic). {@link #problems}
 * lists every way it breaks the layer format of SPEC 4.
 */
final class LayerTar {
    /**
     * One entry as the test sees it; {@code pax} holds the raw records of its own PAX header, and
     * {@code xattrs} its SCHILY.xattr values as bytes (commons-compress would decode them as UTF-8).
     */
    record Entry(String name, byte type, long size, int mode, long uid, long gid, String uname, String gname,
                 long mtime, String linkName, Map<String, byte[]> xattrs, Set<String> pax) {
        boolean isDir() {
            return type == '5';
        }

        /** "/a/b" for "a/b/" and "a/b". */
        String path() {
            String n = name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
            return "/" + n;
        }

        String base() {
            String p = path();
            return p.substring(p.lastIndexOf('/') + 1);
        }
    }

    final List<Entry> entries = new ArrayList<>();
    final List<String> magics = new ArrayList<>();
    final List<Set<String>> globalPax = new ArrayList<>();

    LayerTar(byte[] tar) throws IOException {
        List<Map<String, byte[]>> paxPerEntry = rawScan(tar);
        try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tar), "UTF-8")) {
            int i = 0;
            for (TarArchiveEntry e; (e = in.getNextEntry()) != null; i++) {
                Map<String, byte[]> raw = i < paxPerEntry.size() ? paxPerEntry.get(i) : Map.of();
                Map<String, byte[]> x = new LinkedHashMap<>();
                raw.forEach((k, v) -> {
                    if (k.startsWith("SCHILY.xattr.")) x.put(k.substring("SCHILY.xattr.".length()), v);
                });
                entries.add(new Entry(e.getName(), OciApplier.typeFlag(e), e.getSize(), e.getMode(), e.getLongUserId(),
                        e.getLongGroupId(), e.getUserName(), e.getGroupName(),
                        e.getLastModifiedTime().toInstant().getEpochSecond(), e.getLinkName(), x,
                        raw.keySet()));
            }
        }
        if (paxPerEntry.size() != entries.size()) {
            throw new AssertionError("raw scan found " + paxPerEntry.size() + " entries, commons-compress "
                    + entries.size());
        }
    }

    /** Walks the 512-byte headers: for each real entry, the records of the PAX header before it. */
    private List<Map<String, byte[]>> rawScan(byte[] tar) {
        List<Map<String, byte[]>> out = new ArrayList<>();
        Map<String, byte[]> pending = new LinkedHashMap<>();
        int off = 0;
        while (off + 512 <= tar.length) {
            boolean zero = true;
            for (int i = 0; i < 512 && zero; i++) zero = tar[off + i] == 0;
            if (zero) break;
            long size = octal(tar, off + 124, 12);
            byte type = tar[off + 156];
            magics.add(new String(tar, off + 257, 8, StandardCharsets.ISO_8859_1));
            int data = off + 512;
            if (type == 'x' || type == 'g') {
                Map<String, byte[]> records = paxRecords(tar, data, (int) size);
                if (type == 'x') pending.putAll(records);
                else globalPax.add(records.keySet());
            } else if (type == 'L' || type == 'K') {
                pending.put("GNU-" + (char) type, new byte[0]);
            } else {
                out.add(pending);
                pending = new LinkedHashMap<>();
            }
            off = data + (int) ((size + 511) / 512 * 512);
        }
        return out;
    }

    private static Map<String, byte[]> paxRecords(byte[] tar, int off, int size) {
        Map<String, byte[]> records = new LinkedHashMap<>();
        int i = off, end = off + size;
        while (i < end) {
            int sp = i;
            while (sp < end && tar[sp] != ' ') sp++;
            int len = Integer.parseInt(new String(tar, i, sp - i, StandardCharsets.US_ASCII).trim());
            int eq = sp + 1;
            while (eq < i + len && tar[eq] != '=') eq++;
            // "LEN KEY=VALUE\n": the value is the bytes between '=' and the record's final newline
            records.put(new String(tar, sp + 1, eq - sp - 1, StandardCharsets.UTF_8),
                    java.util.Arrays.copyOfRange(tar, eq + 1, i + len - 1));
            i += len;
        }
        return records;
    }

    private static long octal(byte[] b, int off, int len) {
        long v = 0;
        for (int i = off; i < off + len && b[i] != 0 && b[i] != ' '; i++) v = v * 8 + (b[i] - '0');
        return v;
    }

    /**
     * Every way the tar breaks SPEC 4's layer format; {@code mergedMtimes} (path to seconds, for
     * regular files of the merged view) checks that file mtimes are kept.
     */
    List<String> problems(Map<String, Long> mergedMtimes) {
        List<String> p = new ArrayList<>();
        Map<String, Entry> seen = new HashMap<>();
        for (String m : magics) if (!m.equals("ustar\u000000")) p.add("header magic " + m.replace('\0', '0') + " is not POSIX ustar");
        for (Set<String> g : globalPax) p.add("a global PAX header " + g);
        Entry prev = null;
        for (Entry e : entries) {
            String n = e.name();
            if (n.startsWith("/") || n.startsWith("./") || n.equals(".") || n.isEmpty()) p.add(n + ": name not relative");
            for (String c : TreeOrder.components(n)) {
                if (c.isEmpty() || c.equals(".") || c.equals("..")) p.add(n + ": bad component '" + c + "'");
            }
            if (e.isDir() != n.endsWith("/")) p.add(n + ": directories, and only they, end with /");
            if (seen.containsKey(e.path())) p.add(n + ": twice in the tar");
            String parent = TreeOrder.parent(e.path());
            if (!parent.equals("/") && (seen.get(parent) == null || !seen.get(parent).isDir())) {
                p.add(n + ": its parent directory is not an earlier entry");
            }
            if (!e.uname().isEmpty() || !e.gname().isEmpty()) p.add(n + ": user/group names '" + e.uname() + "'/'" + e.gname() + "'");
            for (String k : e.pax()) {
                if (k.equals("atime") || k.equals("ctime") || k.equals("uname") || k.equals("gname") || k.startsWith("GNU-")) {
                    p.add(n + ": header field " + k);
                }
                if (k.startsWith("SCHILY.xattr.") && OciApplier.isBookkeeping(k.substring(13))) p.add(n + ": xattr " + k);
            }
            String base = e.base();
            if (base.startsWith(OciApplier.WH)) {
                if (e.type() != '0' || e.size() != 0) p.add(n + ": a whiteout that is not an empty regular file");
                if (base.equals(OciApplier.OPQ) && (prev == null || !prev.isDir() || !prev.path().equals(parent))) {
                    p.add(n + ": the opaque marker does not come right after its directory");
                }
            }
            if (e.type() == '1') {
                Entry t = seen.get("/" + e.linkName());
                // a file, or a symlink or FIFO: link(2) makes hard links to those too
                if (t == null || t.isDir() || t.type() == '1' || t.base().startsWith(OciApplier.WH)) {
                    p.add(n + ": hard link to " + e.linkName() + ", not an earlier non-directory entry of the tar");
                }
            }
            if (e.type() == '0' && !base.startsWith(OciApplier.WH) && mergedMtimes != null) {
                Long want = mergedMtimes.get(e.path());
                if (want == null) p.add(n + ": a regular file the merged view does not have as one");
                else if (want != e.mtime()) p.add(n + ": mtime " + e.mtime() + ", the merged view has " + want);
            }
            seen.put(e.path(), e);
            prev = e;
        }
        if (!sortedBy(false) && !sortedBy(true)) p.add("entries are not in tree order: " + names());
        return p;
    }

    /**
     * Whether the entries are in strict tree order, an opaque marker first in its directory and a
     * whiteout {@code .wh.X} keyed by its own name or (byWhitedOut) by X's.
     */
    boolean sortedBy(boolean byWhitedOut) {
        String prev = null;
        for (Entry e : entries) {
            String key = e.path(), base = e.base(), parent = TreeOrder.parent(key);
            String dir = parent.equals("/") ? "" : parent;
            if (base.equals(OciApplier.OPQ)) key = dir + "/"; // the empty name: first in its directory
            else if (byWhitedOut && base.startsWith(OciApplier.WH)) key = dir + "/" + base.substring(4);
            if (prev != null && compareKeys(prev, key) >= 0) return false;
            prev = key;
        }
        return true;
    }

    private static int compareKeys(String a, String b) {
        String[] x = a.substring(1).split("/", -1), y = b.substring(1).split("/", -1);
        for (int i = 0; i < Math.min(x.length, y.length); i++) {
            int c = TreeOrder.compareBytes(x[i], y[i]);
            if (c != 0) return c;
        }
        return Integer.compare(x.length, y.length);
    }

    /** The first entries that differ between two layer tars, field by field, for a readable failure. */
    static String firstDifferences(LayerTar a, LayerTar b) {
        StringBuilder out = new StringBuilder();
        int shown = 0;
        for (int i = 0; i < Math.max(a.entries.size(), b.entries.size()) && shown < 5; i++) {
            String x = i < a.entries.size() ? describe(a.entries.get(i)) : "(none)";
            String y = i < b.entries.size() ? describe(b.entries.get(i)) : "(none)";
            if (x.equals(y)) continue;
            out.append("\n    ").append(x).append("\n vs ").append(y);
            shown++;
        }
        return shown == 0 ? " (every entry's header fields are equal: the difference is in data or padding)" : out.toString();
    }

    static String describe(Entry e) {
        StringBuilder x = new StringBuilder();
        new java.util.TreeMap<>(e.xattrs()).forEach((k, v) -> x.append(' ').append(k).append("=0x")
                .append(java.util.HexFormat.of().formatHex(v)));
        return e.name() + " type=" + (char) e.type() + " size=" + e.size() + " mode=" + Integer.toOctalString(e.mode())
                + " " + e.uid() + ":" + e.gid() + " mtime=" + e.mtime() + " link=" + e.linkName() + " pax="
                + new java.util.TreeSet<>(e.pax()) + x;
    }

    List<String> names() {
        return entries.stream().map(Entry::name).toList();
    }

    static InputStream stream(byte[] b) {
        return new ByteArrayInputStream(b);
    }
}
