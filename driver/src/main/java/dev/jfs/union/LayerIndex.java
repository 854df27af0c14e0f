package dev.jfs.union;

import dev.jfs.posix.DirEntry;
import dev.jfs.posix.Names;
import dev.jfs.posix.Posix;
import dev.jfs.posix.Stat;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A lower layer's metadata in one file: every directory as {@link LowerLayer} reads it (its
 * stat, listing, whiteouts, opaque and redirect markers) and the stat of every other entry.
 *
 * <p>Why: on a cold cache each directory and inode of a layer is a disk read, and a stack holds a
 * copy of a directory in every layer that touches it, so a walk through 100 lowers read 100
 * times the directories of a walk through one. With an index, the first lookup in a layer reads
 * one file, and every later lookup, listing and stat of that layer is answered from it without a
 * system call; the layer's files are still opened on disk to be read. The store writes an index
 * for each layer it imports (layers are immutable, SPEC 5), as {@code DIR.jfs-index} beside the
 * layer's directory {@code DIR}; any lower directory with such a file beside it is read through it.
 *
 * <p>The index is made by reading the layer through a {@link LowerLayer} without one, so it
 * answers exactly what the layer's own directories answered. It records its layer root's device,
 * inode and times, and is ignored, the layer read from disk as before, when they differ (the
 * store copied elsewhere, the directory made again) or when the file is not a complete index.
 * Access times are as the index found them (as a mount's own cache of a layer's stats holds
 * them as first read). The file is mapped, not read: a directory's record is decoded when the
 * mount first needs it, and the pages it never needs stay on disk.
 *
 * <p>Layout (big-endian): {@value #MAGIC}, the root's dev, ino, mtime and ctime (six longs), the
 * number of directories and the offset of their table; then one record per directory; then the
 * table, a path and a record offset per directory. A record: the directory's stat (sixteen longs),
 * flags (1 opaque, 2 redirect follows), the redirect, its entries (name, d_type, d_ino, and the stat
 * of each entry that is not a directory), its whiteouts. Strings are an int length and the
 * name's bytes as on disk ({@link Names}: UTF-8 where the name is).
 */
public final class LayerIndex {
    public static final String SUFFIX = ".jfs-index";
    private static final String MAGIC = "JFSLIX01";
    private static final int HEADER = 8 + 6 * 8 + 4 + 4;
    private static final int OPAQUE = 1;
    private static final int REDIRECT = 2;

    private final ByteBuffer data;
    private final Map<String, Integer> records;

    private LayerIndex(ByteBuffer data, Map<String, Integer> records) {
        this.data = data;
        this.records = records;
    }

    /** The index file of the lower directory {@code root}. */
    static Path fileOf(String root) {
        return Path.of(root + SUFFIX);
    }

    /**
     * The index of the layer at {@code root}, or null when it has none that fits: no file, not a
     * whole index, or one made for another directory (its root's device, inode or times differ).
     */
    static LayerIndex open(String root) {
        MappedByteBuffer map;
        try (FileChannel ch = FileChannel.open(fileOf(root), StandardOpenOption.READ)) {
            if (ch.size() < HEADER || ch.size() > Integer.MAX_VALUE) return null;
            map = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size());
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            return null; // unreadable: the layer's own directories answer instead
        }
        try {
            byte[] magic = new byte[MAGIC.length()];
            map.get(0, magic);
            if (!MAGIC.equals(new String(magic, StandardCharsets.US_ASCII))) return null;
            Stat live = Posix.lstatOrNull(root);
            if (live == null || !sameRoot(map, live)) return null;
            int count = map.getInt(56);
            int pos = map.getInt(60);
            Map<String, Integer> records = new HashMap<>(count * 2);
            for (int i = 0; i < count; i++) {
                int len = map.getInt(pos);
                String rel = string(map, pos + 4, len);
                records.put(rel, map.getInt(pos + 4 + len));
                pos += 8 + len;
            }
            if (pos != map.limit() || !records.containsKey("")) return null;
            return new LayerIndex(map, records);
        } catch (IndexOutOfBoundsException e) {
            return null; // cut short
        }
    }

    private static boolean sameRoot(ByteBuffer map, Stat live) {
        return map.getLong(8) == live.dev() && map.getLong(16) == live.ino()
                && map.getLong(24) == live.mtimeSec() && map.getLong(32) == live.mtimeNsec()
                && map.getLong(40) == live.ctimeSec() && map.getLong(48) == live.ctimeNsec();
    }

    /**
     * Directory {@code rel} as its layer read it, or null if the index does not hold it or its
     * record does not decode (then the layer's directory answers).
     */
    LowerLayer.Dir dir(String rel) {
        Integer at = records.get(rel);
        if (at == null) return null;
        try {
            return decode(new Reader(data, at));
        } catch (RuntimeException e) { // out of bounds, a negative length, a name twice
            return null;
        }
    }

    private static LowerLayer.Dir decode(Reader r) {
        Stat st = r.stat();
        int flags = r.data.get(r.pos++);
        String redirect = (flags & REDIRECT) != 0 ? r.string() : null;
        // Immutable collections: they stay for the mount's life, one set per layer per directory,
        // and most directories of a deep stack hold an entry or two in each layer (with 100 lowers,
        // HashMaps were a third of the heap).
        int n = r.integer();
        if (n == 1) {
            String name = r.string();
            int dtype = r.data.get(r.pos);
            DirEntry e = new DirEntry(name, dtype, r.data.getLong(r.pos + 1));
            r.pos += 9;
            Map<String, Stat> stats = dtype == DirEntry.DT_DIR ? Map.of() : Map.of(name, r.stat());
            return new LowerLayer.Dir(st, new Listing(List.of(e), r.whiteouts()), Map.of(name, dtype),
                    (flags & OPAQUE) != 0, redirect, stats);
        }
        DirEntry[] entries = new DirEntry[n];
        Map<String, Integer> types = new HashMap<>(n * 2);
        Map<String, Stat> stats = new HashMap<>(n * 2);
        for (int i = 0; i < n; i++) {
            String name = r.string();
            int dtype = r.data.get(r.pos);
            entries[i] = new DirEntry(name, dtype, r.data.getLong(r.pos + 1));
            r.pos += 9;
            types.put(name, dtype);
            if (dtype != DirEntry.DT_DIR) stats.put(name, r.stat());
        }
        return new LowerLayer.Dir(st, new Listing(List.of(entries), r.whiteouts()), Map.copyOf(types),
                (flags & OPAQUE) != 0, redirect, Map.copyOf(stats));
    }

    // ---- writing ---------------------------------------------------------------------------

    /**
     * Writes the index of the layer directory {@code layerDir} beside it. The layer must not
     * change afterwards (or the index lies about it: only the root's times are checked).
     */
    public static void write(Path layerDir) throws IOException {
        write(layerDir.toString());
    }

    static void write(String root) throws IOException {
        LowerLayer layer = LowerLayer.unindexed(root);
        ByteArrayOutputStream recordBytes = new ByteArrayOutputStream(64 << 10);
        DataOutputStream recs = new DataOutputStream(recordBytes);
        ByteArrayOutputStream tableBytes = new ByteArrayOutputStream(16 << 10);
        DataOutputStream table = new DataOutputStream(tableBytes);
        List<String> pending = new ArrayList<>(List.of(""));
        int count = 0;
        while (!pending.isEmpty()) {
            String rel = pending.remove(pending.size() - 1);
            LowerLayer.Dir d = layer.dir(rel);
            if (d.stat() == null) continue; // listed as a directory, gone since: the layer answers the same without it
            putString(table, rel);
            table.writeInt(HEADER + recs.size());
            count++;
            putStat(recs, d.stat());
            recs.writeByte((d.opaque() ? OPAQUE : 0) | (d.redirect() != null ? REDIRECT : 0));
            if (d.redirect() != null) putString(recs, d.redirect());
            recs.writeInt(d.listing().entries().size());
            for (DirEntry e : d.listing().entries()) {
                putString(recs, e.name());
                recs.writeByte(e.dtype());
                recs.writeLong(e.ino());
                String child = RelPath.join(rel, e.name());
                if (e.dtype() == DirEntry.DT_DIR) pending.add(child);
                else putStat(recs, Posix.lstat(layer.real(child)));
            }
            recs.writeInt(d.listing().whiteouts().size());
            for (String w : d.listing().whiteouts()) putString(recs, w);
        }
        Stat rootStat = Posix.lstat(root);
        ByteArrayOutputStream headerBytes = new ByteArrayOutputStream(HEADER);
        DataOutputStream header = new DataOutputStream(headerBytes);
        header.write(MAGIC.getBytes(StandardCharsets.US_ASCII));
        for (long v : new long[] {rootStat.dev(), rootStat.ino(), rootStat.mtimeSec(), rootStat.mtimeNsec(),
                rootStat.ctimeSec(), rootStat.ctimeNsec()}) {
            header.writeLong(v);
        }
        header.writeInt(count);
        header.writeInt(HEADER + recordBytes.size());
        // Three writes of the buffers as they are: a layer of a million files has an index of
        // about 150 MB, which one more copy in the heap would double.
        try (OutputStream file = Files.newOutputStream(fileOf(root))) {
            headerBytes.writeTo(file);
            recordBytes.writeTo(file);
            tableBytes.writeTo(file);
        }
    }

    private static void putStat(DataOutputStream out, Stat s) throws IOException {
        for (long v : new long[] {s.dev(), s.ino(), s.mode(), s.nlink(), s.uid(), s.gid(), s.rdev(), s.size(),
                s.blksize(), s.blocks(), s.atimeSec(), s.atimeNsec(), s.mtimeSec(), s.mtimeNsec(), s.ctimeSec(),
                s.ctimeNsec()}) {
            out.writeLong(v);
        }
    }

    private static void putString(DataOutputStream out, String s) throws IOException {
        byte[] b = Names.encode(s);
        out.writeInt(b.length);
        out.write(b);
    }

    private static String string(ByteBuffer data, int at, int len) {
        byte[] b = new byte[len];
        data.get(at, b);
        return Names.decode(b);
    }

    /** Decodes one record: absolute reads, so threads share the mapped buffer safely. */
    private static final class Reader {
        final ByteBuffer data;
        int pos;

        Reader(ByteBuffer data, int pos) {
            this.data = data;
            this.pos = pos;
        }

        int integer() {
            int v = data.getInt(pos);
            pos += 4;
            return v;
        }

        Set<String> whiteouts() {
            String[] names = new String[integer()];
            for (int i = 0; i < names.length; i++) names[i] = string();
            return Set.of(names);
        }

        String string() {
            int len = integer();
            String s = LayerIndex.string(data, pos, len);
            pos += len;
            return s;
        }

        Stat stat() {
            int p = pos;
            pos += 128;
            return new Stat(data.getLong(p), data.getLong(p + 8), (int) data.getLong(p + 16), data.getLong(p + 24),
                    (int) data.getLong(p + 32), (int) data.getLong(p + 40), data.getLong(p + 48), data.getLong(p + 56),
                    data.getLong(p + 64), data.getLong(p + 72), data.getLong(p + 80), data.getLong(p + 88),
                    data.getLong(p + 96), data.getLong(p + 104), data.getLong(p + 112), data.getLong(p + 120));
        }
    }
}
