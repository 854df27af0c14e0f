package dev.jfs.nativetest.mount;

import static dev.jfs.nativetest.CliProcess.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.jfs.posix.Posix;
import dev.jfs.posix.Stat;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What xfstests' generic group found jfs doing unlike the kernel's overlayfs (on which each of
 * these xfstests passes), one case per finding, named after its xfstest; see docs/conformance.md.
 */
class XfstestsFindingsTest {
    @TempDir Path tmp;
    Path lower, upper, work, mnt;

    @BeforeEach
    void layers() throws Exception {
        lower = Files.createDirectories(tmp.resolve("lower"));
        Files.createDirectories(lower.resolve("lowerdir"));
        Files.writeString(lower.resolve("lowerdir/file"), "lower\n");
        upper = tmp.resolve("upper");
        work = tmp.resolve("work");
        mnt = Files.createDirectories(tmp.resolve("mnt"));
    }

    @AfterEach
    void unmount() {
        forceUnmount(mnt);
    }

    void mount(String... options) {
        String o = options.length == 0 ? "" : String.join(",", options);
        var r = o.isEmpty()
                ? jfsmount("--lower", lower.toString(), "--upper", upper.toString(), "--work", work.toString(), mnt.toString())
                : jfsmount("-o", o, "--lower", lower.toString(), "--upper", upper.toString(), "--work", work.toString(),
                        mnt.toString());
        assertEquals(0, r.exit(), r.toString());
    }

    /** generic/035: fstat(2) on a directory still open after another was renamed over it. */
    @Test
    void aDirectoryRenamedOverWhileOpenStillAnswersFstatWithNoLinks() throws Exception {
        mount();
        Files.createDirectories(mnt.resolve("dir1"));
        Files.createDirectories(mnt.resolve("dir2"));
        int fd = Posix.open(mnt.resolve("dir2").toString(), Posix.O_RDONLY | Posix.O_DIRECTORY, 0);
        try {
            Files.move(mnt.resolve("dir1"), mnt.resolve("dir2"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Stat st = Posix.fstat(fd);
            assertTrue(st.isDirectory());
            assertEquals(0, st.nlink(), "a directory with no name left has no links");
        } finally {
            Posix.close(fd);
        }
    }

    /** generic/035's case through rmdir(2), of a directory made through the mount and of a lower one. */
    @Test
    void aDirectoryRemovedWhileOpenStillAnswersFstatWithNoLinks() throws Exception {
        mount();
        Files.createDirectories(mnt.resolve("made"));
        Files.delete(mnt.resolve("lowerdir/file"));
        for (String dir : new String[] {"made", "lowerdir"}) {
            int fd = Posix.open(mnt.resolve(dir).toString(), Posix.O_RDONLY | Posix.O_DIRECTORY, 0);
            try {
                Files.delete(mnt.resolve(dir));
                Stat st = Posix.fstat(fd);
                assertTrue(st.isDirectory(), dir);
                assertEquals(0, st.nlink(), dir);
            } finally {
                Posix.close(fd);
            }
        }
    }

    /**
     * generic/080 and 215: stores into a shared mapping change the file's mtime and ctime. An
     * open passed through to the upper file (FUSE passthrough) maps that file itself, so jfs
     * never hears of the stores, and the kernel then only drops its cached atime: stat(1), which
     * asks statx(2) for the times it prints and no more, kept showing the old mtime and ctime.
     * The kernel now forgets them when the last open that wrote through is released: they show
     * once the file is closed, which is when xfstests looks.
     */
    @Test
    void storesIntoASharedMappingShowInMtimeAndCtimeOnceClosed() throws Exception {
        mount();
        Path f = mnt.resolve("mapped");
        Files.write(f, new byte[4096]);
        Thread.sleep(100); // the kernel's RELEASE of the write above is asynchronous
        String before = mtimeAndCtime(f);
        Thread.sleep(50);
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(f,
                java.nio.file.StandardOpenOption.READ, java.nio.file.StandardOpenOption.WRITE)) {
            ch.map(java.nio.channels.FileChannel.MapMode.READ_WRITE, 0, 4096).put(0, (byte) 'x');
        }
        Thread.sleep(100);
        String after = mtimeAndCtime(f);
        String[] b = before.split(" "), a = after.split(" ");
        assertTrue(new java.math.BigDecimal(a[0]).compareTo(new java.math.BigDecimal(b[0])) > 0, "mtime " + before + " -> " + after);
        assertTrue(new java.math.BigDecimal(a[1]).compareTo(new java.math.BigDecimal(b[1])) > 0, "ctime " + before + " -> " + after);
    }

    /** stat(1)'s mtime and ctime, which it asks statx(2) for alone, as xfstests does. */
    static String mtimeAndCtime(Path f) throws Exception {
        Process p = new ProcessBuilder("stat", "-c", "%.9Y %.9Z", f.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).trim();
        assertEquals(0, p.waitFor(), out);
        return out;
    }

    /** generic/294 and 306: -o ro mounts read-only (jfsmount refused the option). */
    @Test
    void roMountsReadOnly() throws Exception {
        mount("ro");
        assertEquals("lower\n", Files.readString(mnt.resolve("lowerdir/file")));
        var e = assertThrows(java.nio.file.FileSystemException.class, () -> Files.writeString(mnt.resolve("new"), "x"));
        assertTrue(String.valueOf(e.getReason()).contains("Read-only file system"), e.toString());
    }

    /** -o noexec: no program in the mount runs (jfsmount accepted the option and ignored it). */
    @Test
    void noexecRunsNoProgram() throws Exception {
        Files.writeString(lower.resolve("prog"), "#!/bin/sh\necho ran\n");
        Files.setPosixFilePermissions(lower.resolve("prog"), java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        mount("noexec");
        var r = run(java.util.List.of("sh", "-c", "exec " + mnt.resolve("prog")));
        assertNotEquals(0, r.exit(), r.toString());
        assertTrue(r.toString().contains("Permission denied"), r.toString());
    }

    /**
     * generic/294 and 306 through mount(8): `mount -o remount,ro` runs the helper with
     * "ro,remount,..."; it must change the mount there, not mount another jfs over it.
     */
    @Test
    void theHelperRemountsReadOnlyAndBack() throws Exception {
        mount();
        Path helper = repoScript("mount.fuse.jfs");
        var ro = run(java.util.List.of(helper.toString(), "none", mnt.toString(), "-o", "ro,remount,lowerdir=" + lower));
        assertEquals(0, ro.exit(), ro.toString());
        assertEquals(1, mountsAt(), "one mount, remounted");
        assertThrows(java.nio.file.FileSystemException.class, () -> Files.writeString(mnt.resolve("new"), "x"));
        var rw = run(java.util.List.of(helper.toString(), "none", mnt.toString(), "-o", "rw,remount"));
        assertEquals(0, rw.exit(), rw.toString());
        Files.writeString(mnt.resolve("new"), "x");
        assertEquals(1, mountsAt());
    }

    long mountsAt() {
        return dev.jfs.fuse.MountTable.read().stream().filter(m -> m.mountPoint().equals(mnt.toString())).count();
    }

    /**
     * generic/120: on a noatime mount (jfs's default) reading a file leaves its atime, in the
     * mount and in the layer below; the real file was read with its filesystem's relatime.
     */
    @Test
    void readingOnANoatimeMountLeavesAtime() throws Exception {
        Path file = lower.resolve("lowerdir/file");
        java.nio.file.attribute.FileTime old = java.nio.file.attribute.FileTime.fromMillis(946684800000L);
        Files.getFileAttributeView(file, java.nio.file.attribute.BasicFileAttributeView.class).setTimes(null, old, null);
        mount();
        assertEquals("lower\n", Files.readString(mnt.resolve("lowerdir/file")));
        assertEquals(old, Files.readAttributes(mnt.resolve("lowerdir/file"),
                java.nio.file.attribute.BasicFileAttributes.class).lastAccessTime(), "in the mount");
        assertEquals(old, Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class).lastAccessTime(),
                "in the lower");
    }

    /** glibc's directory streams with telldir/seekdir. Public: jnr implements it in a loader of its own. */
    public interface DirStreams {
        jnr.ffi.Pointer opendir(String path);

        jnr.ffi.Pointer readdir(jnr.ffi.Pointer dir);

        long telldir(jnr.ffi.Pointer dir);

        void seekdir(jnr.ffi.Pointer dir, long pos);

        int closedir(jnr.ffi.Pointer dir);
    }

    /**
     * generic/676 (t_readdir_3): after a directory was read through once, seekdir to any
     * position below the largest telldir gave reads an entry, not the end of the directory. jfs's
     * offsets carried the listing's number in their high bits and the index in the low ones, so
     * most positions below the largest pointed past the end of some listing.
     */
    @Test
    void seekdirToAnyPositionBelowTheLargestTelldirReadsAnEntry() throws Exception {
        mount();
        Path dir = Files.createDirectories(mnt.resolve("many"));
        for (int i = 0; i < 300; i++) Files.writeString(dir.resolve("name-" + i), "");
        DirStreams libc = jnr.ffi.LibraryLoader.create(DirStreams.class).load("c");
        jnr.ffi.Pointer d = libc.opendir(dir.toString());
        assertNotNull(d);
        try {
            long max = 0;
            for (int i = 0; i < 302; i++) {
                max = Math.max(max, libc.telldir(d));
                assertNotNull(libc.readdir(d), "entry " + i);
            }
            java.util.Random random = new java.util.Random(676);
            for (int i = 0; i < 200; i++) {
                long pos = Math.floorMod(random.nextLong(), max);
                libc.seekdir(d, pos);
                assertNotNull(libc.readdir(d), "an entry at position " + pos + " (largest " + max + ")");
            }
        } finally {
            libc.closedir(d);
        }
    }
}
