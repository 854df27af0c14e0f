package dev.jfs.archive;

import static dev.jfs.union.Layers.append;
import static dev.jfs.union.Layers.create;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.jfs.changes.ChangeWalker;
import dev.jfs.changes.DiffReport;
import dev.jfs.changes.StackViews;
import dev.jfs.layout.Markers;
import dev.jfs.layout.UpperFormat;
import dev.jfs.posix.DirEntry;
import dev.jfs.posix.Names;
import dev.jfs.posix.Posix;
import dev.jfs.posix.Stat;
import dev.jfs.union.Caller;
import dev.jfs.union.LayerStack;
import dev.jfs.union.UnionFs;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Names that are not UTF-8 keep their bytes from the upper through diff, commit and import: the
 * tar holds the bytes (as GNU tar writes them), and the imported layer has the same names.
 */
class ByteNamesCommitImportTest {
    static final String NAME = name(0xff, 0xfe, '-', 'x');       // in the upper, made with Posix
    static final String DIR = name('d', 0xff), IN_DIR = name('f', 0x80), SYMLINK = name('s', 0xfe), HARD = name('h', 0xfe);
    static final String GONE = name(0xff, 'o', 'l', 'd');        // in the lower, removed
    static final String CHANGED = name(0xe9, 'c');               // in the lower, appended to
    static final String MOVED = name('L', 0xff), MOVED_TO = name('R', 0xfe); // a lower directory, renamed

    @TempDir Path tmp;
    Path lower, upper, work;

    static String name(int... bytes) {
        byte[] b = new byte[bytes.length];
        for (int i = 0; i < b.length; i++) b[i] = (byte) bytes[i];
        return Names.decode(b);
    }

    static String hex(String name) {
        return HexFormat.of().formatHex(Names.encode(name));
    }

    @BeforeEach
    void changes() throws Exception {
        lower = Files.createDirectories(tmp.resolve("lower"));
        upper = Files.createDirectories(tmp.resolve("upper"));
        work = tmp.resolve("work");
        write(lower + "/" + GONE, "old\n");
        write(lower + "/" + CHANGED, "v1\n");
        Posix.mkdir(lower + "/" + MOVED, 0755);
        write(lower + "/" + MOVED + "/f", "moved\n");
        write(upper + "/" + NAME, "bytes\n");
        UnionFs fs = UnionFs.open(new LayerStack(List.of(lower), upper, work).validate(), UpperFormat.probe(tmp.toString()));
        fs.unlink(GONE);
        append(fs, CHANGED, "v2\n");
        fs.mkdir(DIR, 0755, Caller.ROOT);
        create(fs, DIR + "/" + IN_DIR, "in\n");
        fs.symlink("../" + NAME, DIR + "/" + SYMLINK, Caller.ROOT);
        fs.link(NAME, DIR + "/" + HARD);
        fs.rename(MOVED, MOVED_TO);
        assertEquals("/" + MOVED, Markers.redirect(upper + "/" + MOVED_TO), "the redirect holds the old name's bytes");
    }

    static void write(String path, String content) {
        int fd = Posix.open(path, Posix.O_WRONLY | Posix.O_CREAT | Posix.O_EXCL, 0644);
        try {
            byte[] b = content.getBytes(StandardCharsets.UTF_8);
            Posix.writeFully(fd, b, b.length);
        } finally {
            Posix.close(fd);
        }
    }

    @Test
    void diffListsEachNameAsItsBytesInByteOrder() {
        List<String> lines = new ArrayList<>();
        ChangeWalker.walkPaths(StackViews.open(new LayerStack(List.of(lower), upper, work)),
                new DiffReport(l -> lines.add(l.kind() + " " + hex(l.path()))));
        assertEquals(List.of(
                "D " + hex("/" + MOVED), "A " + hex("/" + MOVED_TO), "A " + hex("/" + MOVED_TO + "/f"),
                "A " + hex("/" + DIR), "A " + hex("/" + DIR + "/" + IN_DIR), "A " + hex("/" + DIR + "/" + HARD),
                "A " + hex("/" + DIR + "/" + SYMLINK), "C " + hex("/" + CHANGED), "D " + hex("/" + GONE),
                "A " + hex("/" + NAME)), lines);
        List<String> printed = new ArrayList<>();
        ChangeWalker.walkPaths(StackViews.open(new LayerStack(List.of(lower), upper, work)),
                new DiffReport(l -> printed.add(l.toString())));
        assertEquals(List.of("D /L\\xff", "A /R\\xfe", "A /R\\xfe/f", "A /d\\xff", "A /d\\xff/f\\x80", "A /d\\xff/h\\xfe", "A /d\\xff/s\\xfe", "C /\\xe9c",
                "D /\\xffold", "A /\\xff\\xfe-x"), printed, "printed with the bytes escaped, as documented");
    }

    @Test
    void theTarHoldsTheNamesAsTheirBytes() throws Exception {
        byte[] tar = commit();
        List<Entry> entries = Entry.parse(tar);
        assertEquals(List.of(".wh." + MOVED, MOVED_TO + "/", MOVED_TO + "/f", DIR + "/", DIR + "/" + IN_DIR, DIR + "/" + HARD, DIR + "/" + SYMLINK, CHANGED,
                ".wh." + GONE, NAME).stream().map(ByteNamesCommitImportTest::hex).toList(),
                entries.stream().map(e -> HexFormat.of().formatHex(e.path)).toList());
        Entry file = entries.get(9);
        assertEquals('1', file.type, "the second name of the upper's file is a hard link to the first");
        assertArrayEquals(Names.encode(DIR + "/" + HARD), file.linkPath);
        assertArrayEquals(Names.encode(NAME), file.ustarName, "the ustar name field holds the bytes too, as GNU tar writes it");
        assertArrayEquals(Names.encode("../" + NAME), entries.get(6).linkPath);

        // GNU tar, reading it, sees the same bytes (escaped as octal in its listing).
        Path file1 = tmp.resolve("layer.tar");
        Files.write(file1, tar);
        assertEquals(String.join("\n", ".wh.L\\377", "R\\376/", "R\\376/f", "d\\377/", "d\\377/f\\200", "d\\377/h\\376", "d\\377/s\\376", "\\351c",
                        ".wh.\\377old", "\\377\\376-x", ""),
                run("tar", "--quoting-style=escape", "-tf", file1.toString()));
    }

    @Test
    void theImportedLayerHasTheSameNames() throws Exception {
        Path imported = Files.createDirectories(tmp.resolve("imported"));
        SafeExtractor.extract(new ByteArrayInputStream(commit()), "layer", imported, ExtractOptions.forCurrentUser());
        String root = imported.toString();
        assertEquals(List.of(hex(".wh." + MOVED), hex(".wh." + GONE), hex(MOVED_TO), hex(DIR), hex(CHANGED), hex(NAME)), names(root));
        assertEquals("moved\n", read(root + "/" + MOVED_TO + "/f"));
        assertEquals(List.of(hex(IN_DIR), hex(HARD), hex(SYMLINK)), names(root + "/" + DIR));
        assertEquals("bytes\n", read(root + "/" + NAME));
        assertEquals("v1\nv2\n", read(root + "/" + CHANGED));
        assertEquals(hex("../" + NAME), hex(Posix.readlink(root + "/" + DIR + "/" + SYMLINK)));
        Stat a = Posix.lstat(root + "/" + NAME), b = Posix.lstat(root + "/" + DIR + "/" + HARD);
        assertEquals(a.ino(), b.ino(), "the hard link is one file again");
    }

    /** Tars GNU tar writes, in each of its formats, import with the names they hold. */
    @Test
    void gnuTarsImportWithTheirBytes() throws Exception {
        String longName = "y".repeat(120) + name(0xff); // a GNU long name entry, or a PAX path
        for (String format : List.of("gnu", "posix", "ustar")) {
            Path src = Files.createDirectories(tmp.resolve("src-" + format));
            write(src + "/" + NAME, "x");
            Posix.mkdir(src + "/" + DIR, 0755);
            Posix.symlink(NAME, src + "/" + DIR + "/" + SYMLINK);
            if (!format.equals("ustar")) write(src + "/" + DIR + "/" + longName, "long"); // ustar has no room for it
            Path tar = tmp.resolve(format + ".tar");
            run("tar", "-C", src.toString(), "--format=" + format, "-cf", tar.toString(), ".");
            Path out = Files.createDirectories(tmp.resolve("out-" + format));
            try (var in = Files.newInputStream(tar)) {
                SafeExtractor.extract(in, format + ".tar", out, ExtractOptions.forCurrentUser());
            }
            assertEquals(List.of(hex(DIR), hex(NAME)), names(out.toString()), format);
            assertEquals(format.equals("ustar") ? List.of(hex(SYMLINK)) : List.of(hex(SYMLINK), hex(longName)),
                    names(out + "/" + DIR), format);
            assertEquals(hex(NAME), hex(Posix.readlink(out + "/" + DIR + "/" + SYMLINK)), format);
            if (!format.equals("ustar")) assertEquals("long", read(out + "/" + DIR + "/" + longName), format);
        }
    }

    // ---- helpers -------------------------------------------------------------------------------

    byte[] commit() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StackViews views = StackViews.open(new LayerStack(List.of(lower), upper, work));
        LayerCommit.write(views, Compression.NONE, out, null, null, w -> fail("no warning expected: " + w));
        return out.toByteArray();
    }

    /** A directory's names, as hex of their bytes, in byte order. */
    static List<String> names(String dir) {
        return Posix.readDir(dir).stream().map(DirEntry::name).map(Names::encode)
                .sorted(Arrays::compareUnsigned).map(HexFormat.of()::formatHex).toList();
    }

    static String read(String path) {
        int fd = Posix.open(path, Posix.O_RDONLY, 0);
        try {
            byte[] b = new byte[64];
            return new String(b, 0, Posix.readFully(fd, b), StandardCharsets.UTF_8);
        } finally {
            Posix.close(fd);
        }
    }

    /** Runs a command in the C locale (GNU tar's listing then escapes every byte that is not ASCII); returns its output. */
    static String run(String... command) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("LC_ALL", "C");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        assertEquals(0, p.waitFor(), String.join(" ", command) + ": " + out);
        return out;
    }

    /** One entry of a tar, its names as the bytes the archive holds. */
    record Entry(char type, byte[] path, byte[] ustarName, byte[] linkPath) {
        static List<Entry> parse(byte[] tar) {
            List<Entry> out = new ArrayList<>();
            TreeMap<String, byte[]> pax = new TreeMap<>();
            for (int off = 0; off + 512 <= tar.length; ) {
                if (Arrays.equals(tar, off, off + 512, new byte[512], 0, 512)) break;
                char type = (char) tar[off + 156];
                int size = Integer.parseInt(new String(tar, off + 124, 11, StandardCharsets.US_ASCII).trim(), 8);
                int data = off + 512;
                off = data + (size + 511) / 512 * 512;
                if (type == 'x') {
                    pax = LayerCommitTest.RawEntry.records(tar, data, size).entrySet().stream().collect(
                            TreeMap::new, (m, e) -> m.put(e.getKey(), e.getValue()), TreeMap::putAll);
                    continue;
                }
                byte[] ustarName = field(tar, data - 512, 100), link = field(tar, data - 512 + 157, 100);
                out.add(new Entry(type, pax.getOrDefault("path", ustarName), ustarName, pax.getOrDefault("linkpath", link)));
                pax = new TreeMap<>();
            }
            assertTrue(!out.isEmpty(), "a tar with entries");
            return out;
        }

        static byte[] field(byte[] b, int off, int len) {
            int end = off;
            while (end < off + len && b[end] != 0) end++;
            return Arrays.copyOfRange(b, off, end);
        }
    }
}
