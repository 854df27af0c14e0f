package dev.jfs.union;

import static dev.jfs.union.Layers.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.jfs.layout.UpperFormat;
import dev.jfs.posix.DirEntry;
import dev.jfs.posix.FsException;
import dev.jfs.posix.Posix;
import dev.jfs.posix.Stat;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The union's caches against the disk. A union that has just looked at everything (so its caches
 * are full) is changed, then must answer exactly as a view opened fresh on the same directories:
 * the same names, and for each the same type, mode, owner, size, links, times and inode number.
 * A change that forgot to drop something it touched shows up here as a stale answer.
 */
class UnionCachingTest {
    @TempDir Path tmp;
    TwoLowers layers;

    /** Names the random changes pick from: lower files and directories, and new names. */
    static final String[] NAMES = {
        "a", "b", "etc", "etc/motd", "etc/hosts", "etc/new", "opq", "opq/new", "opq/old",
        "d", "d/sub", "d/sub/deep", "d/x", "n", "n/m", "n/m/k", "gone", "link1", "link2",
    };

    @BeforeEach
    void layers() throws Exception {
        layers = twoLowers(tmp); // and a file with two names, and one more name in top
        file(layers.bottom(), "link1", "two names\n");
        Files.createLink(layers.bottom().resolve("link2"), layers.bottom().resolve("link1"));
        file(layers.top(), "a", "a\n");
    }

    UnionFs open(UpperFormat format) {
        return UnionFs.open(stack(), format);
    }

    LayerStack stack() {
        return layers.stack();
    }

    @ParameterizedTest
    @EnumSource(UpperFormat.class)
    void aLongLivedUnionAnswersAsAFreshViewAfterEveryChange(UpperFormat format) {
        UnionFs fs = open(format);
        Random random = new Random(20261125);
        int failed = 0;
        for (int step = 0; step < 600; step++) {
            lookAtEverything(fs);
            String change = randomChange(fs, random);
            if (change.endsWith("failed")) failed++;
            assertEquals(tree(UnionView.open(stack())), tree(fs.view()), "after step " + step + ": " + change);
        }
        assertTrue(600 - failed >= 100, "only " + (600 - failed) + " of 600 changes succeeded");
    }

    @Test
    void aNewFileNeverShowsTheOriginOfAFileRemovedBeforeIt() {
        UnionFs fs = open(UpperFormat.KERNEL);
        fs.chmod("etc/hosts", 0600);                 // copy-up: the upper file records its origin
        fs.rename("etc/hosts", "moved");             // an upper-only name with an origin
        long origin = fs.getattr("moved").ino();     // now cached by the upper file's inode number
        fs.unlink("moved");                          // that inode is freed...
        for (int i = 0; i < 20; i++) {               // ...and may be given to a new file
            create(fs, "fresh" + i, "x");
            long real = Posix.lstat(layers.upper().resolve("fresh" + i).toString()).ino();
            assertEquals(real, fs.getattr("fresh" + i).ino(), "fresh" + i);
            assertNotEquals(origin, fs.getattr("fresh" + i).ino());
        }
    }

    @Test
    void aDirectoryShowsItsNewTimesAndLinksAfterEachEntryMadeInIt() throws Exception {
        UnionFs fs = open(UpperFormat.KERNEL);
        fs.mkdir("n", 0755, Caller.ROOT);
        Stat before = fs.getattr("n");
        Thread.sleep(5);
        fs.mkdir("n/m", 0755, Caller.ROOT);
        Stat after = fs.getattr("n");
        assertEquals(before.nlink() + 1, after.nlink());
        assertTrue(after.mtimeSec() * 1_000_000_000L + after.mtimeNsec() > before.mtimeSec() * 1_000_000_000L + before.mtimeNsec());
        assertEquals(Posix.lstat(layers.upper().resolve("n").toString()).mtimeNsec(), after.mtimeNsec());
    }

    @ParameterizedTest
    @EnumSource(UpperFormat.class)
    void emptyUpperDirectoriesRemovedDeepestFirstLeaveTheViewAsAFreshOne(UpperFormat format) throws Exception {
        UnionFs fs = open(format);
        String path = "n";
        for (int i = 0; i < 50; i++, path += "/0") {
            fs.mkdir(path, 0755, Caller.ROOT);
            fs.symlink("target", path + "/s", Caller.ROOT);
        }
        fs.mkdir("etc/sub", 0755, Caller.ROOT);        // in a directory the lowers hold too
        whiteoutDevice(layers.upper(), "n/0/0/x");       // left by hand: n/0/0 is not empty on disk
        lookAtEverything(fs);
        tree(fs.view());
        for (path = path.substring(0, path.length() - 2); !path.isEmpty(); path = RelPath.parent(path)) {
            fs.unlink(path + "/s");
            fs.rmdir(path);
            assertNull(fs.view().lookup(path), path);
            assertFalse(Files.exists(layers.upper().resolve(path)), path);
            if (path.length() % 20 == 1) assertEquals(tree(UnionView.open(stack())), tree(fs.view()), "after rmdir " + path);
        }
        fs.rmdir("etc/sub");
        assertEquals(tree(UnionView.open(stack())), tree(fs.view()));
        fs.mkdir("n", 0700, Caller.ROOT);                // the name is free again, as an empty directory
        assertEquals(List.of(), fs.readdir("n"));
        assertEquals(0700, fs.getattr("n").permissions());
    }

    @Test
    void aDirectoryJustMadeShowsItsStatOnDiskWhateverItsOwnerAndModeTookToSet() throws Exception {
        UnionFs fs = open(UpperFormat.KERNEL);
        fs.mkdir("n", 02775, Caller.ROOT);                // setgid: made with chmod after mkdir(2)
        fs.mkdir("n/m", 0700, new Caller(1000, 1001));    // someone else's: chown after mkdir(2)
        fs.mkdir("n/root", 0755, Caller.ROOT);            // as made
        for (String p : List.of("n", "n/m", "n/root")) {
            Stat disk = Posix.lstat(layers.upper().resolve(p).toString());
            Stat shown = fs.getattr(p);
            assertEquals(disk.mode(), shown.mode(), p);
            assertEquals(disk.uid(), shown.uid(), p);
            assertEquals(disk.gid(), shown.gid(), p);
            assertEquals(disk.ctimeSec() * 1_000_000_000L + disk.ctimeNsec(), shown.ctimeSec() * 1_000_000_000L + shown.ctimeNsec(), p);
        }
        assertEquals(02700, fs.getattr("n/m").permissions());
        assertEquals(1000, fs.getattr("n/m").uid());
        assertEquals(fs.getattr("n").gid(), fs.getattr("n/m").gid(), "the setgid parent's group");
    }

    @Test
    void xattrCallsTheUpperRefusesLeaveTheCachesTrue() {
        UnionFs fs = open(UpperFormat.KERNEL);
        fs.mkdir("n", 0755, Caller.ROOT);
        fs.setxattr("n", "user.k", new byte[] {1}, 0);
        lookAtEverything(fs);
        assertEquals(dev.jfs.posix.Errno.EEXIST, assertThrows(FsException.class,
                () -> fs.setxattr("n", "user.k", new byte[] {2}, 1 /* XATTR_CREATE */)).errno());
        assertEquals(dev.jfs.posix.Errno.ENODATA, assertThrows(FsException.class, () -> fs.removexattr("n", "user.none")).errno());
        assertEquals(dev.jfs.posix.Errno.ENODATA, assertThrows(FsException.class, () -> fs.removexattr("etc/motd", "user.none")).errno());
        assertEquals(tree(UnionView.open(stack())), tree(fs.view()));
        assertArrayEquals(new byte[] {1}, fs.getxattr("n", "user.k"));
        fs.removexattr("n", "user.k");
        assertEquals(List.of(), fs.listxattr("n"));
        assertFalse(java.nio.file.Files.exists(layers.upper().resolve("etc/motd")), "no copy-up for nothing to remove");
    }

    /** Looks up, stats and lists every merged entry and every name of {@link #NAMES}. */
    static void lookAtEverything(UnionFs fs) {
        tree(fs.view());
        for (String n : NAMES) fs.view().lookup(n);
    }

    /** Every merged entry: what it is, its attributes and (directories) its names. */
    static TreeMap<String, String> tree(UnionView view) {
        TreeMap<String, String> out = new TreeMap<>();
        List<String> todo = new ArrayList<>(List.of(""));
        while (!todo.isEmpty()) {
            String path = todo.remove(todo.size() - 1);
            Node n = view.lookup(path);
            Stat s = n.stat();
            String what = String.format("mode=%o uid=%d gid=%d size=%d nlink=%d mtime=%d.%d ctime=%d.%d ino=%d",
                    s.mode(), s.uid(), s.gid(), s.isDirectory() ? -1 : s.size(), s.nlink(),
                    s.mtimeSec(), s.mtimeNsec(), s.ctimeSec(), s.ctimeNsec(), view.inode(n));
            if (n.isDirectory()) {
                List<String> names = new ArrayList<>();
                for (DirEntry e : view.readdir(n)) {
                    names.add(e.name());
                    todo.add(RelPath.join(path, e.name()));
                }
                names.sort(null);
                what += " names=" + names;
            }
            out.put("/" + path, what);
        }
        return out;
    }

    /** One change picked at random, made through {@code fs}; says what it was and whether it failed. */
    static String randomChange(UnionFs fs, Random random) {
        String p = NAMES[random.nextInt(NAMES.length)];
        String q = NAMES[random.nextInt(NAMES.length)];
        int kind = random.nextInt(13);
        String what = switch (kind) {
            case 0 -> "create " + p;
            case 1 -> "mkdir " + p;
            case 2 -> "unlink " + p;
            case 3 -> "rmdir " + p;
            case 4 -> "rename " + p + " " + q;
            case 5 -> "chmod " + p;
            case 6 -> "truncate " + p;
            case 7 -> "setxattr " + p;
            case 8 -> "removexattr " + p;
            case 9 -> "link " + p + " " + q;
            case 10 -> "symlink " + p;
            case 11 -> "exchange " + p + " " + q;
            default -> "utimens " + p;
        };
        try {
            switch (kind) {
                case 0 -> {
                    int fd = fs.create(p, Stat.S_IFREG | 0644, Posix.O_WRONLY, new Caller(1000, 1000)).fd();
                    byte[] b = "new\n".getBytes(StandardCharsets.UTF_8);
                    Posix.libc().pwrite(fd, b, b.length, 0);
                    Posix.close(fd);
                }
                case 1 -> fs.mkdir(p, 0750, Caller.ROOT);
                case 2 -> fs.unlink(p);
                case 3 -> fs.rmdir(p);
                case 4 -> fs.rename(p, q);
                case 5 -> fs.chmod(p, 0600 | random.nextInt(0100));
                case 6 -> fs.truncate(p, random.nextInt(3));
                case 7 -> fs.setxattr(p, "user.k", new byte[] {(byte) random.nextInt(100)}, 0);
                case 8 -> fs.removexattr(p, "user.k");
                case 9 -> fs.link(p, q);
                case 10 -> fs.symlink("target", p, Caller.ROOT);
                case 11 -> fs.exchange(p, q);
                default -> fs.utimens(p, 1000, 0, 2000 + random.nextInt(1000), 0);
            }
            return what;
        } catch (FsException e) {
            return what + " failed";
        }
    }
}
