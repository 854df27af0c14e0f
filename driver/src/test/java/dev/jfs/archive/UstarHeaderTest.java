package dev.jfs.archive;

import static org.junit.jupiter.api.Assertions.*;

import dev.jfs.posix.Stat;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link LayerTar} lays out its headers itself ({@link UstarHeader}); commons-compress's
 * {@code TarArchiveOutputStream}, set up as jfs used it before, is the oracle: random entries of
 * every kind, with long, non-ASCII and odd names, big and negative numbers and xattrs, must come
 * out byte for byte the same from both, so layers keep their digests.
 */
class UstarHeaderTest {
    @TempDir Path tmp;

    /** One entry, written to either tar. */
    private interface Entry {
        void to(LayerTar tar) throws IOException;

        void to(OracleTar tar) throws IOException;
    }

    @Test
    void randomEntriesGiveTheBytesCommonsCompressWrites() throws Exception {
        for (long seed = 1; seed <= 40; seed++) {
            Random rnd = new Random(seed);
            List<Entry> entries = new ArrayList<>();
            int n = 1 + rnd.nextInt(60);
            for (int i = 0; i < n; i++) entries.add(randomEntry(rnd, i));
            byte[] ours = write(entries, true);
            byte[] oracle = write(entries, false);
            assertEquals(oracle.length, ours.length, "seed " + seed + ": length");
            for (int i = 0; i < ours.length; i++) {
                if (ours[i] != oracle[i]) fail("seed " + seed + ": first difference at byte " + i + " (record " + i / 512 + ", offset " + i % 512 + ")");
            }
            assertTrue(readsBack(ours) >= n, "commons-compress reads every entry back");
        }
    }

    @Test
    void anEmptyLayerIsTwoZeroRecords() throws Exception {
        byte[] ours = write(List.of(), true);
        assertArrayEquals(new byte[1024], ours);
        assertArrayEquals(write(List.of(), false), ours);
    }

    private byte[] write(List<Entry> entries, boolean ours) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        if (ours) {
            try (LayerTar tar = new LayerTar(bytes, null)) {
                for (Entry e : entries) e.to(tar);
                tar.finish();
            }
        } else {
            try (OracleTar tar = new OracleTar(bytes)) {
                for (Entry e : entries) e.to(tar);
                tar.finish();
            }
        }
        return bytes.toByteArray();
    }

    private static int readsBack(byte[] tar) throws IOException {
        int n = 0;
        try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tar))) {
            while (in.getNextEntry() != null) n++;
        }
        return n;
    }

    private Entry randomEntry(Random rnd, int i) throws IOException {
        String path = randomPath(rnd);
        Stat st = randomStat(rnd);
        Map<String, byte[]> xattrs = randomXattrs(rnd);
        switch (rnd.nextInt(9)) {
            case 0: return entry(t -> t.directory(path, st, xattrs), t -> t.directory(path, st, xattrs));
            case 1: {
                byte[] data = new byte[rnd.nextInt(3) == 0 ? 0 : rnd.nextInt(2000)];
                rnd.nextBytes(data);
                Stat sized = sized(st, data.length);
                return entry(t -> t.file(path, sized, xattrs, data), t -> t.file(path, sized, xattrs, data));
            }
            case 2: {
                byte[] data = new byte[rnd.nextInt(700_000)];
                rnd.nextBytes(data);
                Path real = Files.write(tmp.resolve("data" + i + "-" + rnd.nextInt()), data);
                Stat sized = sized(st, data.length);
                return entry(t -> t.file(path, sized, xattrs, real.toString()), t -> t.file(path, sized, xattrs, data));
            }
            case 3: {
                String target = randomPath(rnd);
                return entry(t -> t.symlink(path, st, target, xattrs), t -> t.symlink(path, st, target, xattrs));
            }
            case 4: {
                int type = new int[] {Stat.S_IFCHR, Stat.S_IFBLK, Stat.S_IFIFO}[rnd.nextInt(3)];
                long rdev = (rnd.nextInt(4096) << 8) | rnd.nextInt(256) | ((long) rnd.nextInt(1 << 12) << 20);
                Stat dev = new Stat(1, 2, type | st.permissions(), 1, st.uid(), st.gid(), rdev, 0, 0, 0, 0, 0,
                        st.mtimeSec(), 0, 0, 0);
                return entry(t -> t.special(path, dev, xattrs), t -> t.special(path, dev, xattrs));
            }
            case 5: {
                String target = randomPath(rnd);
                return entry(t -> t.hardLink(path, st, target), t -> t.hardLink(path, st, target));
            }
            case 6: return entry(t -> t.whiteout(path), t -> t.whiteout(path));
            case 7: {
                String dir = rnd.nextBoolean() ? "" : path;
                return entry(t -> t.opaque(dir), t -> t.opaque(dir));
            }
            default: return entry(t -> t.directory("", st, Map.of()), t -> t.directory("", st, Map.of()));
        }
    }

    private interface Ours { void to(LayerTar t) throws IOException; }

    private interface Theirs { void to(OracleTar t) throws IOException; }

    private static Entry entry(Ours ours, Theirs theirs) {
        return new Entry() {
            public void to(LayerTar tar) throws IOException { ours.to(tar); }

            public void to(OracleTar tar) throws IOException { theirs.to(tar); }
        };
    }

    private static String randomPath(Random rnd) {
        String[] parts = {"a", "usr", "lib", "x".repeat(60), "y".repeat(99), "ünïcödé", "中文", "\uD83D\uDE00", "sp ace",
                "tab\tname", "z".repeat(150), ".wh.x", "dir/", "é".repeat(60)};
        StringBuilder s = new StringBuilder();
        int n = 1 + rnd.nextInt(4);
        for (int i = 0; i < n; i++) {
            if (i > 0) s.append('/');
            s.append(parts[rnd.nextInt(parts.length)].replace("/", ""));
        }
        return s.toString();
    }

    private static Stat randomStat(Random rnd) {
        long[] ids = {0, 1, 1000, 65534, 07777777, 010000000, 0xfffffffeL};
        long[] times = {0, 1, 1_700_000_000L, -1, -86400L * 365 * 30, 077777777777L, 0100000000000L, 1L << 40};
        return new Stat(1, 2, Stat.S_IFREG | rnd.nextInt(010000), 1, (int) ids[rnd.nextInt(ids.length)],
                (int) ids[rnd.nextInt(ids.length)], 0, 0, 0, 0, 0, 0, times[rnd.nextInt(times.length)], 0, 0, 0);
    }

    private static Stat sized(Stat st, long size) {
        return new Stat(st.dev(), st.ino(), st.mode(), st.nlink(), st.uid(), st.gid(), 0, size, 0, 0, 0, 0,
                st.mtimeSec(), 0, 0, 0);
    }

    private static Map<String, byte[]> randomXattrs(Random rnd) {
        Map<String, byte[]> x = new TreeMap<>();
        int n = rnd.nextInt(4) == 0 ? 1 + rnd.nextInt(3) : 0;
        for (int i = 0; i < n; i++) {
            byte[] v = new byte[rnd.nextInt(40)];
            rnd.nextBytes(v);
            x.put(rnd.nextBoolean() ? "user.k" + i : "security.capability", v);
        }
        return x;
    }

    /** The layer tar as commons-compress's TarArchiveOutputStream wrote it for jfs until 2026-12. */
    static final class OracleTar implements AutoCloseable {
        private final TarArchiveOutputStream tar;

        OracleTar(java.io.OutputStream out) {
            tar = new TarArchiveOutputStream(out, StandardCharsets.UTF_8.name());
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_TRUNCATE);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_STAR);
            tar.setAddPaxHeadersForNonAsciiNames(false);
        }

        void directory(String path, Stat st, Map<String, byte[]> xattrs) throws IOException {
            put(entry(path.isEmpty() ? "./" : path + "/", TarConstants.LF_DIR, st), null, xattrs);
            tar.closeArchiveEntry();
        }

        void file(String path, Stat st, Map<String, byte[]> xattrs, byte[] data) throws IOException {
            TarArchiveEntry e = entry(path, TarConstants.LF_NORMAL, st);
            e.setSize(data.length);
            put(e, null, xattrs);
            tar.write(data);
            tar.closeArchiveEntry();
        }

        void symlink(String path, Stat st, String target, Map<String, byte[]> xattrs) throws IOException {
            TarArchiveEntry e = entry(path, TarConstants.LF_SYMLINK, st);
            e.setLinkName(target);
            put(e, target, xattrs);
            tar.closeArchiveEntry();
        }

        void special(String path, Stat st, Map<String, byte[]> xattrs) throws IOException {
            byte flag = switch (st.type()) {
                case Stat.S_IFCHR -> TarConstants.LF_CHR;
                case Stat.S_IFBLK -> TarConstants.LF_BLK;
                default -> TarConstants.LF_FIFO;
            };
            TarArchiveEntry e = entry(path, flag, st);
            if (flag != TarConstants.LF_FIFO) {
                e.setDevMajor((int) Stat.major(st.rdev()));
                e.setDevMinor((int) Stat.minor(st.rdev()));
            }
            put(e, null, xattrs);
            tar.closeArchiveEntry();
        }

        void hardLink(String path, Stat st, String target) throws IOException {
            TarArchiveEntry e = entry(path, TarConstants.LF_LINK, st);
            e.setLinkName(target);
            put(e, target, Map.of());
            tar.closeArchiveEntry();
        }

        void whiteout(String path) throws IOException {
            int slash = path.lastIndexOf('/');
            marker(path.substring(0, slash + 1) + ".wh." + path.substring(slash + 1));
        }

        void opaque(String dir) throws IOException {
            marker(dir.isEmpty() ? ".wh..wh..opq" : dir + "/.wh..wh..opq");
        }

        void finish() throws IOException {
            tar.finish();
        }

        @Override
        public void close() throws IOException {
            tar.close();
        }

        private void marker(String name) throws IOException {
            TarArchiveEntry e = bare(name, TarConstants.LF_NORMAL);
            e.setMode(0);
            e.setModTime(FileTime.fromMillis(0));
            put(e, null, Map.of());
            tar.closeArchiveEntry();
        }

        private static TarArchiveEntry entry(String name, byte flag, Stat st) {
            TarArchiveEntry e = bare(name, flag);
            e.setMode(st.permissions());
            e.setUserId(st.uid() & 0xffffffffL);
            e.setGroupId(st.gid() & 0xffffffffL);
            e.setModTime(FileTime.from(st.mtimeSec(), TimeUnit.SECONDS));
            return e;
        }

        private static TarArchiveEntry bare(String name, byte flag) {
            TarArchiveEntry e = new TarArchiveEntry(name, flag, true);
            e.setUserName("");
            e.setGroupName("");
            e.setUserId(0L);
            e.setGroupId(0L);
            return e;
        }

        private void put(TarArchiveEntry e, String linkTarget, Map<String, byte[]> xattrs) throws IOException {
            PaxRecords pax = new PaxRecords();
            if (!LayerTar.fitsUstar(e.getName())) pax.put("path", e.getName());
            if (linkTarget != null && !LayerTar.fitsUstar(linkTarget)) pax.put("linkpath", linkTarget);
            if (e.getSize() > 077777777777L) pax.put("size", Long.toString(e.getSize()));
            if (e.getLongUserId() > 07777777L) pax.put("uid", Long.toString(e.getLongUserId()));
            if (e.getLongGroupId() > 07777777L) pax.put("gid", Long.toString(e.getLongGroupId()));
            long mtime = e.getLastModifiedTime().to(TimeUnit.SECONDS);
            if (mtime < 0 || mtime > 077777777777L) pax.put("mtime", Long.toString(mtime));
            for (Map.Entry<String, byte[]> x : xattrs.entrySet()) pax.put("SCHILY.xattr." + x.getKey(), x.getValue());
            if (!pax.isEmpty()) {
                byte[] records = pax.encode();
                TarArchiveEntry h = bare(LayerTar.paxHeaderName(e.getName()), TarConstants.LF_PAX_EXTENDED_HEADER_LC);
                h.setMode(0644);
                h.setModTime(FileTime.fromMillis(0));
                h.setSize(records.length);
                tar.putArchiveEntry(h);
                tar.write(records);
                tar.closeArchiveEntry();
            }
            tar.putArchiveEntry(e);
        }
    }
}
