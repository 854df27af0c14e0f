package dev.jfs.posix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jfs.copyup.WorkDir;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every path call of {@link Posix} works on a directory whose absolute path is about 6000 bytes,
 * which libc alone refuses (ENAMETOOLONG), and gives there what it gives in a short directory.
 * The deep tree is made and checked with the shell's relative {@code cd}, independently of Posix.
 */
class LongPathsTest {
    @TempDir Path tmp;
    private final List<String> chain = new ArrayList<>();
    private String deep;

    @BeforeEach
    void makeDeepTree() throws Exception {
        StringBuilder path = new StringBuilder(tmp.toString());
        for (int i = 0; path.length() < 6000; i++) {
            String name = String.format("%03d", i) + "x".repeat(247);
            chain.add(name);
            path.append('/').append(name);
        }
        sh("cd \"$1\" && shift && for d; do mkdir \"$d\" && cd -P \"$d\" || exit 1; done", args(tmp.toString()));
        deep = path.toString();
        Posix.mkdir(tmp + "/short", 0755);
    }

    @AfterEach
    void removeDeepTree() throws Exception {
        sh("rm -rf \"$1\"/[0-9]*", tmp.toString()); // JUnit's cleanup cannot: its paths would be too long
    }

    @Test
    void theDeepPathIsOneLibcRefuses() {
        assertTrue(Names.encode(deep).length > 6000);
        assertEquals(-1, Posix.libc().mkdir(Posix.cString(deep + "/x"), 0755));
        assertEquals(Errno.ENAMETOOLONG, Posix.lastErrno());
    }

    @Test
    void everyCallGivesWhatItGivesOnAShortPath() throws Exception {
        // user.* xattrs are part of it: the test's filesystem must keep them (ext4, tmpfs), or it fails.
        List<String> inShort = exercise(tmp + "/short");
        List<String> inDeep = exercise(deep);
        assertEquals(inShort, inDeep);
        assertEquals("", sh("cd \"$1\" && shift && for d; do cd -P \"$d\" || exit 1; done && ls -A", args(tmp.toString())));
    }

    @Test
    void theDeepTreeIsOnDiskAsTheShellSeesIt() throws Exception {
        Posix.mkdir(deep + "/sub", 0750);
        int fd = Posix.open(deep + "/sub/f", Posix.O_WRONLY | Posix.O_CREAT | Posix.O_EXCL, 0640);
        Posix.writeFully(fd, "abc".getBytes(StandardCharsets.US_ASCII), 3);
        Posix.close(fd);
        Posix.symlink("f", deep + "/sub/s");
        assertEquals("f 640 3 abc\nsub 750\ns 777 1 f\n",
                sh("cd \"$1\" && shift && for d; do cd -P \"$d\" || exit 1; done"
                        + " && cd -P sub && echo \"f $(stat -c '%a %s' f) $(cat f)\" && echo \"sub $(stat -c '%a' .)\""
                        + " && echo \"s $(stat -c '%a %s' s) $(readlink s)\"", args(tmp.toString())));
    }

    @Test
    void noDirectoryPastThePrefixIsFollowedAsASymlink() {
        Posix.mkdir(deep + "/real", 0755);
        Posix.mkdir(deep + "/real/d", 0755);
        Posix.symlink("real", deep + "/link");
        FsException e = assertThrows(FsException.class, () -> Posix.lstat(deep + "/link/d"));
        assertEquals(Errno.ENOTDIR, e.errno());
        assertNull(Posix.lstatOrNull(deep + "/link/d"));
        assertNull(Posix.lstatOrNull(deep + "/missing/d"));
        assertEquals(Errno.ENOENT, assertThrows(FsException.class, () -> Posix.lstat(deep + "/real/e")).errno());
    }

    @Test
    void aRemovalWalksTheWholeDeepTree() {
        Posix.mkdir(deep + "/sub", 0755);
        Posix.close(Posix.open(deep + "/sub/f", Posix.O_WRONLY | Posix.O_CREAT, 0644));
        WorkDir.removeTree(tmp + "/" + chain.get(0));
        assertNull(Posix.lstatOrNull(tmp + "/" + chain.get(0)));
    }

    /** The same calls in {@code dir}, and what each gave, as text with no trace of {@code dir}. */
    private static List<String> exercise(String dir) {
        List<String> seen = new ArrayList<>();
        String sub = dir + "/sub";
        Posix.mkdir(sub, 0755);
        seen.add("mkdir " + describe(Posix.lstat(sub)));

        int fd = Posix.open(sub + "/f", Posix.O_WRONLY | Posix.O_CREAT | Posix.O_EXCL, 0644);
        Posix.writeFully(fd, "hello".getBytes(StandardCharsets.US_ASCII), 5);
        Posix.close(fd);
        seen.add("create " + describe(Posix.lstat(sub + "/f")));

        Posix.rename(sub + "/f", sub + "/g");
        Posix.rename(sub + "/g", sub + "/h", Posix.RENAME_NOREPLACE);
        seen.add("rename " + (Posix.lstatOrNull(sub + "/f") == null) + " " + describe(Posix.lstat(sub + "/h")));
        Posix.link(sub + "/h", sub + "/l");
        seen.add("link " + describe(Posix.lstat(sub + "/l")));
        Posix.symlink("h", sub + "/s");
        seen.add("symlink " + describe(Posix.lstat(sub + "/s")) + " -> " + Posix.readlink(sub + "/s"));

        Posix.setxattr(sub + "/h", "user.k", "v".getBytes(StandardCharsets.US_ASCII), Posix.XATTR_CREATE);
        seen.add("xattr " + new String(Posix.getxattr(sub + "/h", "user.k"), StandardCharsets.US_ASCII)
                + " " + Posix.listxattr(sub + "/h").stream().filter(n -> n.startsWith("user.")).toList());
        Posix.removexattr(sub + "/h", "user.k");
        seen.add("removexattr " + Posix.getxattr(sub + "/h", "user.k"));

        Posix.chmod(sub + "/h", 0600);
        int owner = Posix.geteuid() == 0 ? 4321 : Posix.geteuid();
        Posix.lchown(sub + "/h", owner, Posix.getegid() == 0 ? 4321 : Posix.getegid());
        Posix.utimens(sub + "/h", 1_000_000, 5, 2_000_000, 7);
        Stat h = Posix.lstat(sub + "/h");
        seen.add("attrs " + describe(h) + " " + h.atimeSec() + "." + h.atimeNsec() + " " + h.mtimeSec() + "." + h.mtimeNsec());
        Posix.truncate(sub + "/h", 3);
        fd = Posix.open(sub + "/h", Posix.O_RDONLY, 0);
        byte[] data = new byte[16];
        int n = Posix.readFully(fd, data);
        Posix.close(fd);
        seen.add("truncate " + new String(data, 0, n, StandardCharsets.US_ASCII));

        Posix.mknod(sub + "/p", Stat.S_IFIFO | 0644, 0);
        seen.add("mknod " + describe(Posix.lstat(sub + "/p")));
        seen.add("readDir " + Posix.readDir(sub).stream().map(e -> e.name() + ":" + e.dtype()).sorted().toList());
        seen.add("statvfs " + Posix.statvfs(sub)[0]);

        for (String name : new String[] {"h", "l", "s", "p"}) Posix.unlink(sub + "/" + name);
        Posix.rmdir(sub);
        seen.add("rmdir " + Posix.lstatOrNull(sub));
        return seen;
    }

    private static String describe(Stat s) {
        return Integer.toOctalString(s.mode()) + " n" + s.nlink() + " s" + (s.isDirectory() ? "-" : s.size())
                + " " + s.uid() + ":" + s.gid();
    }

    private String[] args(String first) {
        List<String> all = new ArrayList<>(List.of(first));
        all.addAll(chain);
        return all.toArray(String[]::new);
    }

    private static String sh(String script, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("sh", "-c", script, "sh"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        return out;
    }
}
