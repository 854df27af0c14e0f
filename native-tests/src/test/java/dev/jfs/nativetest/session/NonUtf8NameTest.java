package dev.jfs.nativetest.session;

import static org.junit.jupiter.api.Assertions.*;

import dev.jfs.nativetest.CliProcess.Result;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Names are bytes: a file and a directory whose names are not UTF-8 ({@code \xff\xfe}), made
 * through the mount by a program that passes bytes (python3), are listed with exactly those
 * bytes, stored in the upper with exactly those bytes, printed by {@code jfs diff} with each byte
 * that is not UTF-8 as {@code \xHH} (one name, one spelling), and carried unchanged in the tar
 * entry names of {@code jfs commit}. On the kernel's overlayfs the mount part is
 * the kernel's; diff and commit are jfs's own, there on an upper the kernel wrote.
 */
class NonUtf8NameTest extends StackTest {
    static final byte[] FILE = {'f', (byte) 0xff, (byte) 0xfe, '.', 't', 'x', 't'}, DIR = {(byte) 0xfe, (byte) 0xff, 'd'};
    /** The same names as jfs diff prints them. */
    static final byte[] FILE_PRINTED = "f\\xff\\xfe.txt".getBytes(), DIR_PRINTED = "\\xfe\\xffd".getBytes();
    static final HexFormat HEX = HexFormat.of();
    /** Makes dir/FILE and dir/DIR/x through the mount, then prints the names in the mount's dir, in DIR, and in the upper's dir. */
    static final String MAKE = """
            import os, sys
            mnt, upper = os.fsencode(sys.argv[1]), os.fsencode(sys.argv[2])
            file, dir = bytes.fromhex(sys.argv[3]), bytes.fromhex(sys.argv[4])
            fd = os.open(mnt + b'/dir/' + file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            os.write(fd, b'bytes\\n')
            os.close(fd)
            os.mkdir(mnt + b'/dir/' + dir)
            open(mnt + b'/dir/' + dir + b'/x', 'wb').close()
            for d in (mnt + b'/dir', mnt + b'/dir/' + dir, upper + b'/dir'):
                print(' '.join(sorted(n.hex() for n in os.listdir(d))))
            print(open(mnt + b'/dir/' + file, 'rb').read().decode().strip())
            """;

    @BeforeEach
    void layer() throws Exception {
        lower = Files.createDirectories(tmp.resolve("lower/dir"));
        Files.writeString(lower.resolve("plain"), "plain\n");
        lower = tmp.resolve("lower");
    }

    @ParameterizedTest
    @EnumSource(Fs.class)
    void theMountListsAndStoresTheBytes(Fs fs) throws Exception {
        stack = Stack.mount(fs, tmp, lower);
        Result r = Processes.python(MAKE, stack.mnt.toString(), stack.upper.toString(), HEX.formatHex(FILE), HEX.formatHex(DIR));
        assertEquals(0, r.exit(), fs + ": " + r);
        assertEquals(List.of(hexes(FILE, DIR, "plain".getBytes()), HEX.formatHex("x".getBytes()), hexes(FILE, DIR), "bytes"),
                r.out().lines().toList(), fs + ": names in the mount's dir, in the new dir, in the upper's dir (hex), and the content");
    }

    @ParameterizedTest
    @EnumSource(Fs.class)
    void diffAndCommitCarryTheBytes(Fs fs) throws Exception {
        stack = Stack.mount(fs, tmp, lower);
        Result made = Processes.python(MAKE, stack.mnt.toString(), stack.upper.toString(), HEX.formatHex(FILE), HEX.formatHex(DIR));
        assertEquals(0, made.exit(), fs + ": " + made);
        stack.unmount();
        String l = lower.toString(), u = stack.upper.toString();

        Processes.Raw diff = Processes.jfsRaw("diff", "--lower", l, "--upper", u);
        assertEquals(0, diff.exit(), fs + ": jfs diff: " + diff);
        Set<String> added = new TreeSet<>();
        for (byte[] line : lines(diff.out())) {
            if (startsWith(line, "A /dir/")) added.add(HEX.formatHex(line));
        }
        assertEquals(new TreeSet<>(List.of(HEX.formatHex(concat("A /dir/", FILE_PRINTED)), HEX.formatHex(concat("A /dir/", DIR_PRINTED)),
                HEX.formatHex(concat(concat("A /dir/", DIR_PRINTED), "/x".getBytes())))), added,
                fs + ": jfs diff's A lines (hex); it printed:\n" + Processes.printable(diff.out()));

        Path tar = tmp.resolve("layer.tar");
        Processes.Raw commit = Processes.jfsRaw("commit", "--lower", l, "--upper", u, "-o", tar.toString());
        assertEquals(0, commit.exit(), fs + ": jfs commit: " + commit);
        Set<String> entries = new TreeSet<>();
        for (byte[] name : TarNames.of(Files.readAllBytes(tar))) {
            if (startsWith(name, "dir/") && name.length > 4) entries.add(HEX.formatHex(stripSlash(name)));
        }
        assertEquals(new TreeSet<>(List.of(HEX.formatHex(concat("dir/", FILE)), HEX.formatHex(concat("dir/", DIR)),
                HEX.formatHex(concat(concat("dir/", DIR), "/x".getBytes())))), entries, fs + ": the tar's entry names under dir/ (hex)");
    }

    private static String hexes(byte[]... names) {
        return String.join(" ", new TreeSet<>(java.util.Arrays.stream(names).map(HEX::formatHex).toList()));
    }

    private static List<byte[]> lines(byte[] out) {
        List<byte[]> lines = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < out.length; i++) {
            if (out[i] == '\n') {
                lines.add(java.util.Arrays.copyOfRange(out, start, i));
                start = i + 1;
            }
        }
        return lines;
    }

    private static boolean startsWith(byte[] b, String prefix) {
        byte[] p = prefix.getBytes();
        return b.length >= p.length && java.util.Arrays.equals(b, 0, p.length, p, 0, p.length);
    }

    private static byte[] concat(String a, byte[] b) {
        return concat(a.getBytes(), b);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.writeBytes(a);
        o.writeBytes(b);
        return o.toByteArray();
    }

    private static byte[] stripSlash(byte[] name) {
        return name[name.length - 1] == '/' ? java.util.Arrays.copyOf(name, name.length - 1) : name;
    }
}
