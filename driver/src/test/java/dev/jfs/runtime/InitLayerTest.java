package dev.jfs.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InitLayerTest {
    @TempDir
    Path tmp;

    @Test
    void mountPointsAreMadeWhereTheImageLacksThemWithTheImagesDirectoriesOnTheWay() throws IOException {
        Path base = Files.createDirectories(tmp.resolve("base"));
        Path top = Files.createDirectories(tmp.resolve("top"));
        Files.createDirectories(base.resolve("etc"));
        Files.writeString(base.resolve("etc/hostname"), "image's\n");
        Files.createSymbolicLink(base.resolve("etc/resolv.conf"), Path.of("../run/resolv.conf"));
        Files.createDirectories(top.resolve("etc"));
        Files.setPosixFilePermissions(top.resolve("etc"), PosixFilePermissions.fromString("rwxr-x---"));
        FileTime mtime = FileTime.fromMillis(1_500_000_000_000L);
        Files.setLastModifiedTime(top.resolve("etc"), mtime);
        Files.createDirectories(top.resolve("srv"));
        Files.createSymbolicLink(top.resolve("link"), Path.of("srv"));
        Path init = tmp.resolve("init");

        List<InitLayer.MountPoint> points = new java.util.ArrayList<>(InitLayer.STANDARD);
        points.add(new InitLayer.MountPoint("/data/cache", true, false));
        points.add(new InitLayer.MountPoint("/link/through", true, false));
        InitLayer.prepare(init, List.of(top, base), points);

        for (String d : List.of("proc", "dev", "sys", "data/cache")) assertTrue(Files.isDirectory(init.resolve(d)), d);
        assertTrue(Files.isRegularFile(init.resolve("etc/hosts")));
        assertTrue(Files.isRegularFile(init.resolve("etc/resolv.conf"), LinkOption.NOFOLLOW_LINKS),
                "an image's symlinked resolv.conf is shadowed");
        assertFalse(Files.exists(init.resolve("etc/hostname")), "the image's own file is mounted over as it is");
        assertFalse(Files.exists(init.resolve("link"), LinkOption.NOFOLLOW_LINKS), "through a symlink: runc's to resolve");
        assertEquals("rwxr-x---", PosixFilePermissions.toString(Files.getPosixFilePermissions(init.resolve("etc"))),
                "the top-most image layer's /etc");
        assertEquals(mtime, Files.getLastModifiedTime(init.resolve("etc")), "its mtime too, after the files made in it");

        Files.delete(init.resolve("proc"));
        InitLayer.prepare(init, List.of(top, base), InitLayer.STANDARD);
        assertTrue(Files.isDirectory(init.resolve("proc")), "an existing init layer is completed");
    }
}
