package dev.jfs.nativetest.mount;

import static dev.jfs.nativetest.CliProcess.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.jfs.fuse.MountTable;
import dev.jfs.nativetest.CliProcess.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * scripts/mount.fuse.jfs, the helper mount(8) runs for type fuse.jfs once it is installed as
 * /sbin/mount.fuse.jfs: run directly with the arguments mount(8) gives it, and through mount(8)
 * itself (-t fuse.jfs, and an fstab line) in a private mount namespace whose /usr/sbin has the
 * helper overlaid on it, so that the real /sbin is never touched.
 */
class MountHelperTest {
    @TempDir Path tmp;
    Path lower, upper, work, mnt, sbin;

    @BeforeEach
    void layers() throws Exception {
        lower = Files.createDirectories(tmp.resolve("lower"));
        Files.writeString(lower.resolve("hello"), "hi\n");
        upper = tmp.resolve("upper");
        work = tmp.resolve("work");
        mnt = Files.createDirectories(tmp.resolve("mnt"));
        sbin = Files.createDirectories(tmp.resolve("sbin"));
    }

    @AfterEach
    void unmount() {
        forceUnmount(mnt);
    }

    String overlayOptions() {
        return "lowerdir=" + lower + ",upperdir=" + upper + ",workdir=" + work;
    }

    /** The helper installed as docs/mounting.md says: a symlink to the checkout's script. */
    Path symlinkedHelper() throws Exception {
        return Files.createSymbolicLink(sbin.resolve("mount.fuse.jfs"), repoScript("mount.fuse.jfs"));
    }

    Result helper(Path helper, String... args) {
        List<String> cmd = new ArrayList<>(List.of(helper.toString()));
        cmd.addAll(List.of(args));
        return run(cmd);
    }

    @Test
    void runWithMountsArgumentsItMountsAndReturnsOnceReady() throws Exception {
        Result r = helper(symlinkedHelper(), "none", mnt.toString(), "-o", "rw," + overlayOptions());
        assertEquals(0, r.exit(), r.toString());
        assertEquals("fuse.jfs", MountTable.at(mnt).orElseThrow().fsType());
        assertEquals("hi\n", Files.readString(mnt.resolve("hello")), "ready when the helper returns");
        Files.writeString(mnt.resolve("new"), "written\n");
        Result u = jfs("umount", mnt.toString());
        assertEquals(0, u.exit(), u.toString());
        assertFalse(isMounted(mnt));
        assertEquals("written\n", Files.readString(upper.resolve("new")));
    }

    @Test
    void aCopyFindsJfsmountOnThePathAndTakesFstabsWords() throws Exception {
        Path copy = Files.copy(repoScript("mount.fuse.jfs"), sbin.resolve("mount.fuse.jfs"));
        ProcessBuilder pb = new ProcessBuilder(copy.toString(), "none", mnt.toString(), "-n", "-v",
                "-o", "rw,noatime," + overlayOptions() + ",nofail,_netdev");
        pb.environment().put("PATH", repoScript("jfsmount").getParent() + ":" + System.getenv("PATH"));
        Result r = exec(pb, 120);
        assertEquals(0, r.exit(), r.toString());
        assertEquals("hi\n", Files.readString(mnt.resolve("hello")));
        assertEquals(0, jfs("umount", mnt.toString()).exit());
    }

    @Test
    void fakeMountsNothingAndEachMistakeIsOneLine() throws Exception {
        Path helper = symlinkedHelper();
        Result fake = helper(helper, "none", mnt.toString(), "-f", "-o", overlayOptions());
        assertEquals(0, fake.exit(), fake.toString());
        assertFalse(isMounted(mnt), "mount -f: nothing mounted");

        Result wrong = helper(helper, "none", mnt.toString(), "-o", overlayOptions() + ",frobnicate");
        assertNotEquals(0, wrong.exit(), wrong.toString());
        assertEquals(1, wrong.err().strip().lines().count(), "one line: " + wrong);
        assertTrue(wrong.err().contains("frobnicate"), wrong.toString());
        assertFalse(isMounted(mnt));

        Result noLayers = helper(helper, "none", mnt.toString(), "-o", "rw");
        assertNotEquals(0, noLayers.exit(), noLayers.toString());
        assertEquals(1, noLayers.err().strip().lines().count(), "one line: " + noLayers);
        assertTrue(noLayers.err().contains("lowerdir="), noLayers.toString());
        assertFalse(isMounted(mnt));
    }

    @Test
    void mountTypeFuseJfsAndAnFstabLineRunTheHelper() throws Exception {
        symlinkedHelper();
        Path fstab = tmp.resolve("fstab");
        Files.writeString(fstab, "none " + mnt + " fuse.jfs " + overlayOptions() + ",nofail 0 0\n");
        String jfs = repoScript("jfs").toString();
        String script = String.join("\n",
                "set -e",
                // mount(8) looks for helpers in /sbin only (here a symlink to /usr/sbin)
                "mount -t overlay none -o lowerdir=" + sbin + ":/usr/sbin /usr/sbin",
                "trap 'umount -l " + mnt + " 2>/dev/null || true' EXIT",
                "mount -t fuse.jfs none " + mnt + " -o " + overlayOptions(),
                "findmnt -n -o FSTYPE " + mnt,
                "cat " + mnt + "/hello",
                "echo by-mount > " + mnt + "/by-mount",
                jfs + " umount " + mnt,
                "mount -T " + fstab + " " + mnt,
                "cat " + mnt + "/by-mount",
                jfs + " umount " + mnt,
                "findmnt " + mnt + " >/dev/null || echo unmounted");
        Result r = run(List.of("unshare", "-m", "--propagation", "private", "bash", "-c", script));
        assertEquals(0, r.exit(), r.toString());
        assertEquals("fuse.jfs\nhi\nby-mount\nunmounted\n", r.out(), r.toString());
        assertEquals("by-mount\n", Files.readString(upper.resolve("by-mount")));
    }
}
