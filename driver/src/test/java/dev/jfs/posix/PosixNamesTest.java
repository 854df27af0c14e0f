package dev.jfs.posix;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Names that are not UTF-8 reach the kernel as their bytes and come back as the same String:
 * checked against what {@code ls -b} and the shell's {@code printf} see on disk.
 */
class PosixNamesTest {
    /** b"\xff\xfe-x" */
    static final String NAME = Names.decode(new byte[] {(byte) 0xff, (byte) 0xfe, '-', 'x'});

    @TempDir Path tmp;

    @Test
    void everyCallTakesTheNameAsItsBytes() throws Exception {
        String dir = tmp.toString();
        Posix.close(Posix.open(dir + "/" + NAME, Posix.O_WRONLY | Posix.O_CREAT | Posix.O_EXCL, 0644));
        assertEquals("\\377\\376-x\n", sh("ls -b \"$1\"", dir));

        Posix.mkdir(dir + "/d" + NAME, 0755);
        Posix.link(dir + "/" + NAME, dir + "/d" + NAME + "/" + NAME + "2");
        Posix.rename(dir + "/d" + NAME + "/" + NAME + "2", dir + "/d" + NAME + "/" + NAME + "3");
        Posix.symlink("../" + NAME, dir + "/d" + NAME + "/s" + NAME);
        assertEquals("s\\377\\376-x\n\\377\\376-x3\n", sh("ls -b \"$1\"/d*", dir));
        assertEquals("2e2e2ffffe2d780a", sh("readlink \"$1\"/d*/s* | od -An -tx1 | tr -d ' \\n'", dir));
        assertEquals(NAME, Posix.readlink(dir + "/d" + NAME + "/s" + NAME).substring(3));
        assertNotNull(Posix.lstat(dir + "/d" + NAME + "/" + NAME + "3"));

        Posix.unlink(dir + "/d" + NAME + "/" + NAME + "3");
        Posix.unlink(dir + "/d" + NAME + "/s" + NAME);
        Posix.rmdir(dir + "/d" + NAME);
        assertEquals("\\377\\376-x\n", sh("ls -b \"$1\"", dir));
    }

    @Test
    void readDirGivesBackTheBytesOnDisk() throws Exception {
        String dir = tmp.toString();
        sh("cd \"$1\" && touch \"$(printf 'a\\344\\275')\" \"$(printf '\\303\\251')\" \"$(printf '\\355\\263\\277')\"", dir);
        List<byte[]> names = Posix.readDir(dir).stream().map(e -> Names.encode(e.name()))
                .sorted(java.util.Arrays::compareUnsigned).toList();
        assertEquals(3, names.size());
        assertArrayEquals(new byte[] {'a', (byte) 0xe4, (byte) 0xbd}, names.get(0));
        assertArrayEquals(new byte[] {(byte) 0xc3, (byte) 0xa9}, names.get(1));
        assertArrayEquals(new byte[] {(byte) 0xed, (byte) 0xb3, (byte) 0xbf}, names.get(2));
        for (DirEntry e : Posix.readDir(dir)) assertNotNull(Posix.lstat(dir + "/" + e.name()), e.name());
    }

    @Test
    void xattrNamesAndPathsToo() throws Exception {
        String file = tmp + "/" + NAME;
        Posix.close(Posix.open(file, Posix.O_WRONLY | Posix.O_CREAT, 0644));
        String xname = "user." + NAME;
        Posix.setxattr(file, xname, new byte[] {1}, 0);
        assertEquals(List.of(xname), Posix.listxattr(file));
        assertArrayEquals(new byte[] {1}, Posix.getxattr(file, xname));
        Posix.removexattr(file, xname);
        assertEquals(List.of(), Posix.listxattr(file));
    }

    /** Runs {@code script} with {@code arg} as $1 and returns its stdout (ASCII: the scripts escape the rest). */
    static String sh(String script, String arg) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("sh", "-c", "LC_ALL=C; export LC_ALL; " + script, "sh", arg).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        assertEquals(0, p.waitFor(), out);
        return out;
    }
}
