package dev.jfs.union;

import static dev.jfs.union.Layers.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.jfs.layout.UpperFormat;
import dev.jfs.posix.DirEntry;
import dev.jfs.posix.Errno;
import dev.jfs.posix.FsException;
import dev.jfs.posix.Posix;
import dev.jfs.posix.Stat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The union's rules driven directly, without FUSE: two lowers, an upper, both marker formats. */
class UnionFsTest {
    @TempDir Path tmp;
    Path top, bottom, upper, work;

    TwoLowers layers;

    @BeforeEach
    void layers() throws Exception {
        layers = twoLowers(tmp);
        top = layers.top();
        bottom = layers.bottom();
        upper = layers.upper();
        work = layers.work();
    }

    UnionFs open(UpperFormat format) {
        return UnionFs.open(layers.stack(), format);
    }

    static Set<String> names(UnionFs fs, String dir) {
        return fs.readdir(dir).stream().map(DirEntry::name).collect(Collectors.toCollection(TreeSet::new));
    }

    static int errno(Runnable op) {
        FsException e = assertThrows(FsException.class, op::run);
        return e.errno();
    }

    @Test
    void topMostLayerWinsAndWhiteoutsAndOpaqueDirsHide() {
        UnionFs fs = open(UpperFormat.KERNEL);
        assertEquals("top wins\n", read(fs, "etc/motd"));
        assertEquals("localhost\n", read(fs, "etc/hosts"));
        assertEquals(Errno.ENOENT, errno(() -> fs.getattr("gone")));
        assertEquals(Set.of("new"), names(fs, "opq"));
        assertEquals(Set.of("etc", "opq", "d"), names(fs, ""));
    }

    @Test
    void ociFileMarkersInLowersWorkTheSame() throws Exception {
        file(bottom, "x/a", "a");
        file(bottom, "x/b", "b");
        file(bottom, "y/c", "c");
        whiteoutFile(top, "x/a");
        opaqueFile(top, "y");
        UnionFs fs = open(UpperFormat.KERNEL);
        assertEquals(Set.of("b"), names(fs, "x"));
        assertEquals(Set.of(), names(fs, "y"));
        assertEquals(Errno.ENOENT, errno(() -> fs.getattr("x/a")));
    }

    @ParameterizedTest
    @EnumSource(UpperFormat.class)
    void firstWriteCopiesUpWithAttributesAndLeavesLowerAlone(UpperFormat format) throws Exception {
        Path lower = bottom.resolve("etc/hosts");
        Posix.lchown(lower.toString(), 1234, 4321);
        Posix.chmod(lower.toString(), 0640);
        Posix.setxattr(lower.toString(), "user.color", "blue".getBytes(), 0);
        Posix.utimens(lower.toString(), 1000, 0, 2000, 500);
        UnionFs fs = open(format);
        long inoBefore = fs.getattr("etc/hosts").ino();
        append(fs, "etc/hosts", "db\n");
        assertEquals("localhost\ndb\n", read(fs, "etc/hosts"));
        assertEquals("localhost\n", Files.readString(lower));
        Stat up = Posix.lstat(upper.resolve("etc/hosts").toString());
        assertEquals(1234, up.uid());
        assertEquals(4321, up.gid());
        assertEquals(0640, up.permissions());
        assertArrayEquals("blue".getBytes(), Posix.getxattr(upper.resolve("etc/hosts").toString(), "user.color"));
        assertEquals(inoBefore, fs.getattr("etc/hosts").ino(), "st_ino survives copy-up");
        assertEquals(List.of(), Posix.readDir(work.resolve("jfs-tmp").toString()), "nothing left in the work dir");
    }

    @ParameterizedTest
    @EnumSource(UpperFormat.class)
    void setattrChangesEverythingAskedAtOnceAndAnswersAsAGetattrAfter(UpperFormat format) throws Exception {
        UnionFs fs = open(format);
        long ino = fs.getattr("etc/hosts").ino();
        Stat answered = fs.setattr("etc/hosts", UnionFs.Attributes.NONE.withMode(0604).withOwner(77, 88)
                .withSize(3).withTimes(1000, 5, 2000, 6));
        Stat after = fs.getattr("etc/hosts");
        assertEquals(ino, answered.ino(), "st_ino survives copy-up");
        for (Stat s : List.of(answered, after)) {
            assertEquals(0604, s.permissions());
            assertEquals(77, s.uid());
            assertEquals(88, s.gid());
            assertEquals(3, s.size());
            assertEquals(1000, s.atimeSec());
            assertEquals(5, s.atimeNsec());
            assertEquals(2000, s.mtimeSec());
            assertEquals(6, s.mtimeNsec());
        }
        assertEquals(after, answered);
        assertEquals("loc", Files.readString(upper.resolve("etc/hosts")));
        assertEquals("localhost\n", Files.readString(bottom.resolve("etc/hosts")), "the lower is left alone");
    }

    @Test
    void setattrOfOwnerAndSetIdModeKeepsTheModeAsked() throws Exception {
        UnionFs fs = open(UpperFormat.KERNEL);
        Stat s = fs.setattr("etc/hosts", UnionFs.Attributes.NONE.withMode(06755).withOwner(77, 88));
        assertEquals(06755, s.permissions(), "chown clears set-id bits: the mode is set after it");
        assertEquals(06755, fs.getattr("etc/hosts").permissions());
    }

    @Test
    void setattrOfNothingCopiesNothingUpAndAGroupAloneKeepsTheOwner() throws Exception {
        UnionFs fs = open(UpperFormat.KERNEL);
        assertEquals(fs.getattr("etc/motd"), fs.setattr("etc/motd", UnionFs.Attributes.NONE));
        assertFalse(Files.exists(upper.resolve("etc")), "no copy-up");
        Posix.lchown(bottom.resolve("d/sub/deep").toString(), 5, 6);
        Stat s = fs.setattr("d/sub/deep", UnionFs.Attributes.NONE.withOwner(-1, 9));
        assertEquals(5, s.uid());
        assertEquals(9, s.gid());
        assertEquals("deep\n", Files.readString(upper.resolve("d/sub/deep")), "copied up with its data");
        assertEquals(Errno.EISDIR, errno(() -> fs.setattr("d", UnionFs.Attributes.NONE.withSize(0))));
        assertEquals(0, fs.setattr("d/sub/deep", UnionFs.Attributes.NONE.withSize(0)).size());
    }

    @ParameterizedTest
    @EnumSource(UpperFormat.class)
    void unlinkOfLowerLeavesWhiteoutAndCreateOverItWorks(UpperFormat format) {
        UnionFs fs = open(format);
        fs.unlink("etc/hosts");
        assertEquals(Errno.ENOENT, errno(() -> fs.getattr("etc/hosts")));
        assertEquals(Set.of("motd"), names(fs, "etc"));
        int fd = fs.create("etc/hosts", 0644, Posix.O_WRONLY, Caller.ROOT).fd();
        Posix.close(fd);
        assertEquals("", read(fs, "etc/hosts"));
        assertEquals(Set.of("hosts", "motd"), names(fs, "etc"));
    }

    @ParameterizedTest
    @EnumSource(UpperFormat.class)
    void mkdirOverDeletedDirectoryIsOpaque(UpperFormat format) {
        UnionFs fs = open(format);
        fs.unlink("d/sub/deep");
        fs.rmdir("d/sub");
        fs.rmdir("d");
        assertEquals(Errno.ENOENT, errno(() -> fs.getattr("d")));
        fs.mkdir("d", 0755, Caller.ROOT);
        assertEquals(Set.of(), names(fs, "d"), "old contents stay deleted");
    }

    @Test
    void rmdirOfNonEmptyMergedDirectoryFails() {
        UnionFs fs = open(UpperFormat.KERNEL);
        assertEquals(Errno.ENOTEMPTY, errno(() -> fs.rmdir("etc")));
        assertEquals(Errno.ENOTDIR, errno(() -> fs.rmdir("etc/motd")));
        assertEquals(Errno.EISDIR, errno(() -> fs.unlink("etc")));
    }

    @ParameterizedTest
    @EnumSource(UpperFormat.class)
    void renamingALowerDirectoryKeepsItsContents(UpperFormat format) {
        UnionFs fs = open(format);
        fs.rename("d", "e");
        assertEquals(Errno.ENOENT, errno(() -> fs.getattr("d")));
        assertEquals("deep\n", read(fs, "e/sub/deep"));
        fs.rename("e/sub", "sub2");
        assertEquals("deep\n", read(fs, "sub2/deep"));
        assertEquals(Set.of(), names(fs, "e"));
        fs.mkdir("d", 0755, Caller.ROOT);
        assertEquals(Set.of(), names(fs, "d"));
    }

    @Test
    void renamingAnOpaqueDirectoryDoesNotBringDeletedEntriesBack() {
        UnionFs fs = open(UpperFormat.KERNEL);
        fs.unlink("etc/motd");
        fs.unlink("etc/hosts");
        fs.rmdir("etc");
        fs.mkdir("etc", 0755, Caller.ROOT);
        Posix.close(fs.create("etc/new", 0644, Posix.O_WRONLY, Caller.ROOT).fd());
        fs.rename("etc", "etc2");
        assertEquals(Set.of("new"), names(fs, "etc2"));
        fs.rename("etc2", "etc");
        assertEquals(Set.of("new"), names(fs, "etc"));
    }

    @Test
    void renameOntoExistingFileAndEmptyDirectory() {
        UnionFs fs = open(UpperFormat.KERNEL);
        fs.rename("etc/hosts", "etc/motd");
        assertEquals("localhost\n", read(fs, "etc/motd"));
        assertEquals(Set.of("motd"), names(fs, "etc"));
        fs.unlink("opq/new");
        fs.rename("d", "opq");
        assertEquals("deep\n", read(fs, "opq/sub/deep"));
        assertEquals(Errno.ENOTEMPTY, errno(() -> fs.rename("etc", "opq")));
        assertEquals(Errno.EISDIR, errno(() -> fs.rename("etc/motd", "opq")));
        assertEquals(Errno.ENOTDIR, errno(() -> fs.rename("opq", "etc/motd")));
    }

    @Test
    void exchangeSwapsEntriesOfEveryKindAndKeepsTheirContents() throws Exception {
        UnionFs fs = open(UpperFormat.KERNEL);
        fs.exchange("etc/hosts", "etc/motd"); // two lower files
        assertEquals("top wins\n", read(fs, "etc/hosts"));
        assertEquals("localhost\n", read(fs, "etc/motd"));
        fs.exchange("d", "etc"); // two merged lower directories: each redirected to its lowers
        assertEquals("deep\n", read(fs, "etc/sub/deep"));
        assertEquals(Set.of("hosts", "motd"), names(fs, "d"));
        fs.mkdir("solo", 0755, Caller.ROOT);
        fs.exchange("solo", "opq"); // a new empty directory over a name the lowers hold: opaque there
        assertEquals(Set.of(), names(fs, "opq"));
        assertEquals(Set.of("new"), names(fs, "solo"));
        fs.exchange("etc/sub", "d/hosts"); // a directory and a file, across directories
        assertEquals("deep\n", read(fs, "d/hosts/deep"));
        assertEquals("top wins\n", read(fs, "etc/sub"));
        long ino = fs.getattr("etc/sub").ino();
        fs.exchange("d/motd", "d/motd");
        assertEquals(ino, fs.getattr("etc/sub").ino());
        assertEquals(Errno.EINVAL, errno(() -> fs.exchange("d", "d/hosts")));
        assertEquals(Errno.ENOENT, errno(() -> fs.exchange("d", "none")));

        UnionFs again = open(UpperFormat.KERNEL); // what the upper holds, read afresh
        assertEquals(Set.of("hosts", "motd"), names(again, "d"));
        assertEquals("deep\n", read(again, "d/hosts/deep"));
        assertEquals(Set.of(), names(again, "opq"));
        assertEquals(Set.of("new"), names(again, "solo"));
        assertEquals("localhost\n", Files.readString(bottom.resolve("etc/hosts")), "lower untouched");
    }

    @Test
    void exchangeOfTwoUpperEntriesSwapsWhatTheirNamesShowThroughTheCaches() throws Exception {
        UnionFs fs = open(UpperFormat.KERNEL);
        Posix.close(fs.create("etc/new", 0644, Posix.O_WRONLY, Caller.ROOT).fd());
        fs.symlink("hosts", "etc/link", Caller.ROOT);
        Stat file = fs.getattr("etc/new"), link = fs.getattr("etc/link"); // both cached now
        Set<String> names = names(fs, "etc");
        assertEquals("localhost\n", read(fs, "etc/hosts"));
        fs.exchange("etc/new", "etc/link");
        assertEquals(link.ino(), fs.getattr("etc/new").ino());
        assertTrue(fs.getattr("etc/new").isSymlink());
        assertEquals("hosts", fs.readlink("etc/new"));
        assertEquals(file.ino(), fs.getattr("etc/link").ino());
        assertTrue(fs.getattr("etc/link").isRegular());
        assertEquals("localhost\n", read(fs, "etc/hosts"), "a name beside them");
        assertEquals(names, names(fs, "etc"));

        UnionFs again = open(UpperFormat.KERNEL);
        assertEquals("hosts", again.readlink("etc/new"));
        assertTrue(again.getattr("etc/link").isRegular());
    }

    @Test
    void hardLinkedLowerFileKeepsSharingAfterCopyUp() throws Exception {
        Path a = file(bottom, "links/a", "one\n");
        Files.createLink(bottom.resolve("links/b"), a);
        UnionFs fs = open(UpperFormat.KERNEL);
        append(fs, "links/a", "two\n");
        assertEquals("one\ntwo\n", read(fs, "links/b"), "the other name sees the write");
        append(fs, "links/b", "three\n");
        assertEquals("one\ntwo\nthree\n", read(fs, "links/a"));
        assertEquals(fs.getattr("links/a").ino(), fs.getattr("links/b").ino());
        assertEquals("one\n", Files.readString(a), "lower untouched");
    }

    /** As overlayfs: xattr calls on an indexed inode change it in place, other changes link the name. */
    @Test
    void xattrsOfAnIndexedLowerHardLinkChangeTheIndexWithoutLinkingTheName() throws Exception {
        Path a = file(bottom, "links/a", "one\n");
        Files.createLink(bottom.resolve("links/b"), a);
        Files.createLink(bottom.resolve("links/c"), a);
        UnionFs fs = open(UpperFormat.KERNEL);
        fs.chmod("links/a", 0600); // copies the inode up into the index and links a
        fs.setxattr("links/b", "user.k", "v".getBytes(), 0);
        assertArrayEquals("v".getBytes(), fs.getxattr("links/a", "user.k"));
        assertArrayEquals("v".getBytes(), fs.getxattr("links/c", "user.k"));
        assertFalse(Files.exists(upper.resolve("links/b"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
        fs.removexattr("links/c", "user.k");
        assertEquals(Errno.ENODATA, errno(() -> fs.getxattr("links/b", "user.k")));
        assertFalse(Files.exists(upper.resolve("links/c"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
        fs.chmod("links/b", 0640); // an attribute change links the name, as the kernel does
        assertTrue(Files.exists(upper.resolve("links/b")));
        assertEquals(0640, fs.getattr("links/c").permissions());
    }

    /**
     * A name linked into the upper, then its directory renamed: both names stay one inode. (Seed 74
     * of the differential test did this; what went wrong there was the kernel's cached attributes,
     * see MountBehaviourTest.)
     */
    @Test
    void aLinkedNameInARenamedDirectoryStillSharesTheIndexedInode() throws Exception {
        Path a = file(bottom, "lib/a", "one\n");
        Files.createLink(dir(bottom, "links").resolve("c"), a);
        UnionFs fs = open(UpperFormat.KERNEL);
        fs.truncate("links/c", 2);  // copies the inode up into the index
        append(fs, "lib/a", "two\n"); // links lib/a to it
        fs.truncate("links/c", 0);
        fs.rename("lib", "moved");
        append(fs, "links/c", "three\n");
        assertEquals("three\n", read(fs, "moved/a"));
        assertEquals(fs.getattr("links/c").ino(), fs.getattr("moved/a").ino());
    }

    /**
     * As overlayfs (ovl_nlink_start): a lower hard link is copied into the index before one of
     * its names goes, so an xattr set through another name changes that copy and links no name
     * (seed 120 of the differential test).
     */
    @Test
    void removingANameOfALowerHardLinkIndexesItFirst() throws Exception {
        Path a = file(bottom, "links/a", "one\n");
        Files.createLink(bottom.resolve("links/b"), a);
        Files.createLink(bottom.resolve("links/c"), a);
        Files.createLink(bottom.resolve("links/d"), a);
        Path x = file(bottom, "other/x", "two\n");
        Files.createLink(bottom.resolve("other/y"), x);
        Files.createLink(bottom.resolve("other/z"), x);
        UnionFs fs = open(UpperFormat.KERNEL);
        fs.unlink("links/a");
        fs.setxattr("links/b", "user.k", "v".getBytes(), 0);
        assertArrayEquals("v".getBytes(), fs.getxattr("links/c", "user.k"));
        assertFalse(Files.exists(upper.resolve("links/b"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
        assertEquals(Errno.ENOENT, errno(() -> fs.getattr("links/a")));

        fs.rename("etc/hosts", "other/x"); // the same through a rename over a name
        fs.setxattr("other/y", "user.k", "w".getBytes(), 0);
        assertArrayEquals("w".getBytes(), fs.getxattr("other/z", "user.k"));
        assertFalse(Files.exists(upper.resolve("other/y"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
        assertEquals("localhost\n", read(fs, "other/x"));
        assertEquals("two\n", read(fs, "other/z"));
    }

    @Test
    void hardLinkThroughTheMount() {
        UnionFs fs = open(UpperFormat.KERNEL);
        fs.link("etc/hosts", "etc/hosts2");
        append(fs, "etc/hosts2", "more\n");
        assertEquals("localhost\nmore\n", read(fs, "etc/hosts"));
    }

    @Test
    void whiteoutNamesAreRefused() {
        UnionFs fs = open(UpperFormat.KERNEL);
        assertEquals(Errno.EINVAL, errno(() -> fs.mkdir(".wh.x", 0755, Caller.ROOT)));
        assertEquals(Errno.EINVAL, errno(() -> fs.create("etc/.wh..wh..opq", 0644, Posix.O_WRONLY, Caller.ROOT)));
        assertEquals(Errno.EINVAL, errno(() -> fs.rename("etc/motd", "etc/.wh.motd")));
    }

    @Test
    void fifoFromLowerCanBeChmodded() throws Exception {
        Posix.mknod(bottom.resolve("fifo").toString(), Stat.S_IFIFO | 0644, 0);
        UnionFs fs = open(UpperFormat.KERNEL);
        fs.chmod("fifo", 0600);
        fs.chown("fifo", 7, 8);
        Stat st = fs.getattr("fifo");
        assertEquals(Stat.S_IFIFO, st.type());
        assertEquals(0600, st.permissions());
        assertEquals(7, st.uid());
    }

    @Test
    void internalXattrsAreNeverShown() {
        UnionFs fs = open(UpperFormat.KERNEL);
        fs.setxattr("etc/motd", "user.k", "v".getBytes(), 0);
        fs.rename("d", "e");
        assertEquals(List.of("user.k"), fs.listxattr("etc/motd"));
        assertEquals(List.of(), fs.listxattr("e"));
        assertEquals(Errno.ENODATA, errno(() -> fs.getxattr("e", "trusted.overlay.redirect")));
    }

    /** The kernel asks for it before a file's first write; the union knows the answer for files it made. */
    @Test
    void aCapabilitySetOnAFileTheMountMadeShowsThroughEveryName() throws Exception {
        String cap = "security.capability";
        // struct vfs_cap_data, revision 2: effective, CAP_NET_BIND_SERVICE permitted
        byte[] value = {1, 0, 0, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
        UnionFs fs = open(UpperFormat.KERNEL);
        Posix.close(fs.create("made", Stat.S_IFREG | 0755, Posix.O_WRONLY, Caller.ROOT).fd());
        assertEquals(Errno.ENODATA, errno(() -> fs.getxattr("made", cap)));
        fs.link("made", "other");
        fs.setxattr("other", cap, value, 0);
        byte[] onDisk = Posix.getxattr(upper.resolve("made").toString(), cap);
        assertNotNull(onDisk);
        assertArrayEquals(onDisk, fs.getxattr("made", cap));

        fs.unlink("made");
        Posix.close(fs.create("made", Stat.S_IFREG | 0755, Posix.O_WRONLY, Caller.ROOT).fd());
        assertEquals(Errno.ENODATA, errno(() -> fs.getxattr("made", cap)));
        fs.setxattr("made", cap, value, 0);
        assertArrayEquals(onDisk, fs.getxattr("made", cap));

        // a file with the capability renamed onto a made one
        Posix.close(fs.create("third", Stat.S_IFREG | 0755, Posix.O_WRONLY, Caller.ROOT).fd());
        assertEquals(Errno.ENODATA, errno(() -> fs.getxattr("third", cap)));
        fs.rename("other", "third");
        assertArrayEquals(onDisk, fs.getxattr("third", cap));
    }

    /** find: what getattr says, null where getattr says ENOENT, and getattr's other errors. */
    @Test
    void findIsGetattrWithMissesAnsweredNull() {
        UnionFs fs = open(UpperFormat.KERNEL);
        assertEquals(fs.getattr("etc/hosts"), fs.find("etc/hosts"));
        assertEquals(fs.getattr(""), fs.find(""));
        assertNull(fs.find("etc/none"));
        assertNull(fs.find("none/deeper"));
        assertEquals(Errno.ENOTDIR, errno(() -> fs.getattr("etc/hosts/x")));
        assertEquals(Errno.ENOTDIR, errno(() -> fs.find("etc/hosts/x")));
        fs.unlink("etc/hosts");
        assertNull(fs.find("etc/hosts"));
    }

    /**
     * FUSE asks for a created file's attributes at once; from its descriptor, or from making it
     * (a file made as its caller would have it, in an upper directory), they are the same.
     */
    @Test
    void aMadeFilesStatFromItsDescriptorIsWhatALookupGives() {
        UnionFs fs = open(UpperFormat.KERNEL);
        fs.mkdir("solo", 0755, Caller.ROOT);
        for (String path : List.of("etc/made", "solo/made", "made")) {
            UnionFs.Created created = fs.create(path, Stat.S_IFREG | 0640, Posix.O_WRONLY, new Caller(1000, 1000));
            int fd = created.fd();
            try {
                assertEquals(fs.getattr(path), fs.madeFileStat(fd), path);
                if (created.stat() != null) assertEquals(fs.getattr(path), created.stat(), path);
                assertEquals(1000, fs.madeFileStat(fd).uid(), path);
            } finally {
                Posix.close(fd);
            }
            String asRoot = path + "-by-root";
            created = fs.create(asRoot, Stat.S_IFREG | 0640, Posix.O_WRONLY, Caller.ROOT);
            try {
                if (!path.startsWith("etc/")) assertEquals(fs.getattr(asRoot), created.stat(), asRoot);
            } finally {
                Posix.close(created.fd());
            }
        }
    }

    /** As overlayfs: copy-up sets the owner without a chown's side effect of dropping the capability. */
    @Test
    void copyUpKeepsACapability() {
        // struct vfs_cap_data, revision 2: effective, CAP_NET_BIND_SERVICE permitted
        byte[] value = {1, 0, 0, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
        String cap = "security.capability";
        Posix.lchown(top.resolve("etc/motd").toString(), 1000, 1000);
        Posix.setxattr(top.resolve("etc/motd").toString(), cap, value, 0);
        UnionFs fs = open(UpperFormat.KERNEL);
        fs.chmod("etc/motd", 0750);
        assertArrayEquals(value, Posix.getxattr(upper.resolve("etc/motd").toString(), cap));
        assertArrayEquals(value, fs.getxattr("etc/motd", cap));
        assertEquals(1000, fs.getattr("etc/motd").uid());
        assertEquals(0750, fs.getattr("etc/motd").permissions());
    }

    @ParameterizedTest
    @EnumSource(UpperFormat.class)
    void upperWrittenByJfsReadsBackAsALower(UpperFormat format) throws Exception {
        UnionFs fs = open(format);
        fs.unlink("etc/hosts");
        fs.rename("d", "e");
        fs.unlink("opq/new");
        fs.rmdir("opq");
        fs.mkdir("opq", 0755, Caller.ROOT);
        append(fs, "etc/motd", "!\n");
        // The upper becomes the top lower of a read-only view: what jfs wrote, jfs reads back.
        UnionView again = UnionView.open(new LayerStack(List.of(upper, top, bottom), null, null));
        assertNull(again.lookup("etc/hosts"));
        assertNull(again.lookup("d"));
        assertNotNull(again.lookup("e/sub/deep"));
        assertEquals(List.of(), again.readdir(again.lookup("opq")));
        assertEquals("top wins\n!\n", Files.readString(Path.of(again.lookup("etc/motd").realPath())));
    }
}
