package dev.jfs.nativetest.mount;

import static dev.jfs.nativetest.CliProcess.*;
import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Special files, reserved names and permissions through a real mount, driven by shell tools. */
class SpecialFilesTest {
    @TempDir Path tmp;
    Path lower, upper, mnt;

    @BeforeEach
    void layers() throws Exception {
        lower = Files.createDirectories(tmp.resolve("lower"));
        Files.writeString(lower.resolve("secret"), "root only\n");
        Files.writeString(lower.resolve("public"), "everyone\n");
        sh("chmod 600 '" + lower.resolve("secret") + "'; chmod 755 '" + tmp + "'");
        sh("mkfifo '" + lower.resolve("fifo") + "'");
        upper = tmp.resolve("upper");
        mnt = Files.createDirectories(tmp.resolve("mnt"));
    }

    @AfterEach
    void unmount() {
        forceUnmount(mnt);
    }

    void mount(String... opts) {
        List<String> args = new java.util.ArrayList<>(List.of(opts));
        args.addAll(List.of("--lower", lower.toString(), "--upper", upper.toString(), mnt.toString()));
        var r = jfsmount(args.toArray(String[]::new));
        assertEquals(0, r.exit(), r.toString());
    }

    @Test
    void deviceNodesSocketsAndFifosWork() {
        mount();
        sh("cd '" + mnt + "' && mknod null2 c 1 3 && mknod blk b 7 0 && chmod 606 fifo && chown 5:6 fifo");
        assertEquals("character special file 1:3", sh("stat -c '%F %t:%T' '" + mnt + "/null2'").strip());
        assertEquals("block special file 7:0", sh("stat -c '%F %t:%T' '" + mnt + "/blk'").strip());
        assertEquals("fifo 606 5:6", sh("stat -c '%F %a %u:%g' '" + mnt + "/fifo'").strip());
        sh("python3 -c \"import socket; s=socket.socket(socket.AF_UNIX); s.bind('" + mnt + "/sock')\"");
        assertEquals("socket", sh("stat -c '%F' '" + mnt + "/sock'").strip());
        assertEquals("", sh("head -c 4 '" + mnt + "/null2'"), "the device node works as a device");
    }

    @Test
    void whiteoutNamesCannotBeCreated() {
        mount();
        var r = run(List.of("sh", "-c", "touch '" + mnt + "/.wh.x' 2>&1; mkdir '" + mnt + "/.wh..wh..opq' 2>&1"));
        assertTrue(r.out().contains("Invalid argument"), r.toString());
        assertFalse(Files.exists(upper.resolve(".wh.x")));
    }

    @Test
    void otherUsersGetInByDefaultAndModeBitsDecide() {
        mount("-o", "noallow_other");
        var denied = run(List.of("runuser", "-u", "nobody", "--", "cat", mnt + "/public"));
        assertNotEquals(0, denied.exit(), "with noallow_other only the mounting user gets in: " + denied);
        jfs("umount", mnt.toString());
        mount();
        var allowed = run(List.of("runuser", "-u", "nobody", "--", "cat", mnt + "/public"));
        assertEquals("everyone\n", allowed.out(), allowed.toString());
        var modeBits = run(List.of("runuser", "-u", "nobody", "--", "cat", mnt + "/secret"));
        assertNotEquals(0, modeBits.exit(), modeBits.toString());
        assertTrue(modeBits.err().contains("Permission denied"), modeBits.toString());
        var write = run(List.of("runuser", "-u", "nobody", "--", "sh", "-c", "echo x > " + mnt + "/new"));
        assertNotEquals(0, write.exit(), "root-owned 755 directory: nobody cannot create: " + write);
    }
}
