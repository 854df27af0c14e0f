package dev.jfs.nativetest.store;

import static dev.jfs.nativetest.store.StoreProcs.jfs;
import static dev.jfs.nativetest.store.StoreProcs.names;
import static dev.jfs.nativetest.store.StoreProcs.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.luben.zstd.ZstdOutputStream;
import dev.jfs.nativetest.store.StoreProcs.Result;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store commands as users run them: one process per command, JFS_ROOT naming the store. */
class StoreCliTest {
    @TempDir
    Path tmp;

    Path root() {
        return tmp.resolve("store");
    }

    Path layer(String name, int files) throws IOException {
        Path f = tmp.resolve(name);
        StoreProcs.writeLayer(f, files, 1000, name.hashCode());
        return f;
    }

    static void assertOneLineError(Result r, String... parts) {
        assertEquals(1, r.exit(), r.toString());
        assertEquals("", r.out(), r.toString());
        String err = r.err();
        assertTrue(err.startsWith("jfs: "), err);
        assertEquals(1, err.lines().count(), "one line: " + err);
        assertFalse(err.contains("Exception"), err);
        for (String p : parts) assertTrue(err.contains(p), "'" + err.trim() + "' lacks '" + p + "'");
    }

    void assertStoreEmpty() throws IOException {
        assertEquals(List.of(), names(root().resolve("layers")));
        assertEquals(List.of(), names(root().resolve("tmp")));
    }

    @Test
    void importPrintsTheDiffIdForTarGzipZstdAndStandardInput() throws IOException {
        Path tar = layer("l.tar", 40);
        String diffId = "sha256:" + StoreProcs.sha256(tar);
        assertEquals(diffId + "\n", ok(jfs(root(), "layer", "import", tar.toString())).out());
        Path gz = tmp.resolve("l.tar.gz");
        try (OutputStream o = new GzipCompressorOutputStream(Files.newOutputStream(gz))) {
            Files.copy(tar, o);
        }
        Path zst = tmp.resolve("l.bin"); // no telling extension: the format is read from the content
        try (OutputStream o = new ZstdOutputStream(Files.newOutputStream(zst))) {
            Files.copy(tar, o);
        }
        assertEquals(diffId + "\n", ok(jfs(root(), "layer", "import", gz.toString())).out());
        assertEquals(diffId + "\n", ok(jfs(root(), "layer", "import", zst.toString())).out());
        assertEquals(diffId + "\n", ok(StoreProcs.jfsWithInput(root(), gz, "layer", "import", "-")).out());
        assertEquals(List.of(diffId.substring(7)), names(root().resolve("layers")), "stored once");
        Result quiet = ok(jfs(root(), "layer", "import", tar.toString()));
        assertEquals("", quiet.err(), "no progress output when not on a terminal");
    }

    @Test
    void damagedInputFailsWithOneLineAndLeavesNothing() throws IOException {
        Path tar = layer("good.tar", 200);
        byte[] good = Files.readAllBytes(tar);
        Path truncated = Files.write(tmp.resolve("truncated.tar"), Arrays.copyOf(good, good.length / 2));
        Path noEnd = Files.write(tmp.resolve("noend.tar"), Arrays.copyOf(good, good.length - 10240));
        Path empty = Files.write(tmp.resolve("empty.tar"), new byte[0]);
        Path text = Files.writeString(tmp.resolve("text.tar"), "hello, not a tar\n".repeat(200));
        Path gz = tmp.resolve("corrupt.tgz");
        try (OutputStream o = new GzipCompressorOutputStream(Files.newOutputStream(gz))) {
            Files.copy(tar, o);
        }
        byte[] g = Files.readAllBytes(gz);
        for (int i = g.length / 3; i < g.length / 3 + 64; i++) g[i] ^= 0x33;
        Files.write(gz, g);
        Path zst = tmp.resolve("cut.tzst");
        try (OutputStream o = new ZstdOutputStream(Files.newOutputStream(zst))) {
            Files.copy(tar, o);
        }
        byte[] z = Files.readAllBytes(zst);
        Files.write(zst, Arrays.copyOf(z, z.length / 2));

        assertOneLineError(jfs(root(), "layer", "import", truncated.toString()), "truncated.tar", "truncated tar archive");
        assertOneLineError(jfs(root(), "layer", "import", noEnd.toString()), "noend.tar", "truncated");
        assertOneLineError(jfs(root(), "layer", "import", empty.toString()), "empty.tar", "empty");
        assertOneLineError(jfs(root(), "layer", "import", text.toString()), "text.tar", "not a tar archive");
        assertOneLineError(jfs(root(), "layer", "import", gz.toString()), "corrupt.tgz", "gzip");
        assertOneLineError(jfs(root(), "layer", "import", zst.toString()), "cut.tzst", "zstd");
        assertOneLineError(jfs(root(), "layer", "import", tmp.resolve("missing.tar").toString()), "missing.tar",
                "no such file");
        assertStoreEmpty();
    }

    @Test
    void hostileArchivesAreRefusedAndNothingOutsideIsWritten() throws IOException {
        Path victim = Files.createDirectories(tmp.resolve("victim"));
        String[][] cases = {
            {"dotdot", "../../victim/pwned"},
            {"absolute", victim.resolve("pwned").toString()},
        };
        for (String[] c : cases) {
            Path f = tmp.resolve(c[0] + ".tar");
            try (TarArchiveOutputStream t = new TarArchiveOutputStream(Files.newOutputStream(f))) {
                TarArchiveEntry e = new TarArchiveEntry(c[1], true);
                e.setSize(5);
                t.putArchiveEntry(e);
                t.write("pwned".getBytes(StandardCharsets.US_ASCII));
                t.closeArchiveEntry();
            }
            assertOneLineError(jfs(root(), "layer", "import", f.toString()), c[0] + ".tar", "refusing entry");
        }
        Path viaLink = tmp.resolve("symlink.tar");
        try (TarArchiveOutputStream t = new TarArchiveOutputStream(Files.newOutputStream(viaLink))) {
            TarArchiveEntry s = new TarArchiveEntry("escape", TarArchiveEntry.LF_SYMLINK);
            s.setLinkName(victim.toString());
            t.putArchiveEntry(s);
            t.closeArchiveEntry();
            TarArchiveEntry e = new TarArchiveEntry("escape/pwned");
            e.setSize(5);
            t.putArchiveEntry(e);
            t.write("pwned".getBytes(StandardCharsets.US_ASCII));
            t.closeArchiveEntry();
        }
        assertOneLineError(jfs(root(), "layer", "import", viaLink.toString()), "symlink 'escape'");
        assertEquals(List.of(), names(victim));
        assertStoreEmpty();
    }

    @Test
    void layersContainersAndTheirRemoval() throws IOException {
        Path t0 = layer("base.tar", 30), t1 = layer("top.tar", 20);
        String base = ok(jfs(root(), "layer", "import", t0.toString())).out().trim();
        String top = ok(jfs(root(), "layer", "import", "--parent", base.substring(7, 19), t1.toString())).out().trim();

        JsonNode info = new ObjectMapper().readTree(ok(jfs(root(), "layer", "inspect", top.substring(0, 20))).out());
        assertEquals(top, info.get("id").asText());
        assertEquals(top, info.get("chainId").asText());
        assertEquals(base, info.get("parent").asText());
        assertEquals("sha256:" + StoreProcs.sha256(t1), info.get("diffId").asText());
        assertEquals(Files.size(t1), info.get("size").asLong());
        assertTrue(Files.isDirectory(Path.of(info.get("dir").asText())));

        String ls = ok(jfs(root(), "layer", "ls")).out();
        assertTrue(ls.startsWith("ID"), ls);
        assertTrue(ls.contains(top.substring(7, 19)) && ls.contains(base.substring(7, 19)), ls);

        assertEquals("box\n", ok(jfs(root(), "create", "--name", "box", top.substring(7, 15))).out());
        String generated = ok(jfs(root(), "create", base)).out().trim();
        assertTrue(generated.matches("[a-z]+_[a-z]+(_\\d+)?"), generated);
        assertOneLineError(jfs(root(), "create", "--name", "box", base), "box", "already exists");
        assertOneLineError(jfs(root(), "create", "--name", "../x", base), "container name");
        assertOneLineError(jfs(root(), "create", "deadbeef"), "no such layer");
        String cls = ok(jfs(root(), "ls")).out();
        assertTrue(cls.contains("box") && cls.contains(generated), cls);
        assertEquals(List.of("box", generated).stream().sorted().toList(),
                ok(jfs(root(), "ls", "-q")).out().lines().toList());

        assertOneLineError(jfs(root(), "layer", "rm", base), "in use", "layer " + top.substring(7, 19),
                "container " + generated, "--force");
        assertOneLineError(jfs(root(), "layer", "rm", top), "container box");
        ok(jfs(root(), "rm", "box", generated));
        assertEquals("", ok(jfs(root(), "ls", "-q")).out());
        assertOneLineError(jfs(root(), "layer", "rm", base), "layer " + top.substring(7, 19));
        assertEquals(top + "\n", ok(jfs(root(), "layer", "rm", top)).out());
        ok(jfs(root(), "layer", "rm", base.substring(7, 12)));
        assertStoreEmpty();
        assertOneLineError(jfs(root(), "rm", "box"), "no such container");
    }

    @Test
    void forceRemovesALayerInUse() throws IOException {
        String base = ok(jfs(root(), "layer", "import", layer("b.tar", 10).toString())).out().trim();
        ok(jfs(root(), "create", "--name", "box", base));
        ok(jfs(root(), "layer", "rm", "--force", base));
        assertOneLineError(jfs(root(), "mount", "box", tmp.toString()), "missing");
        ok(jfs(root(), "rm", "box"));
    }

    @Test
    void rmIsRefusedWhileTheContainerIsMounted() throws IOException {
        String base = ok(jfs(root(), "layer", "import", layer("b.tar", 10).toString())).out().trim();
        ok(jfs(root(), "create", "--name", "box", base));
        Path mnt = Files.createDirectories(tmp.resolve("mnt"));
        ok(jfs(root(), "mount", "box", mnt.toString()));
        try {
            assertTrue(Files.exists(mnt.resolve("dir0/file0")), "the container's layer shows in the mount");
            Files.writeString(mnt.resolve("new-file"), "written through the mount");
            assertOneLineError(jfs(root(), "rm", "box"), "box", "unmount it first");
            assertTrue(ok(jfs(root(), "ls")).out().contains("in use"));
        } finally {
            ok(jfs(root(), "umount", mnt.toString()));
        }
        assertEquals("written through the mount",
                Files.readString(root().resolve("containers/box/upper/new-file")));
        ok(jfs(root(), "rm", "box"));
        assertEquals(List.of(), names(root().resolve("containers")));
    }

    @Test
    void rmIsRefusedWhileSomethingIsMountedInsideTheContainer() throws Exception {
        String base = ok(jfs(root(), "layer", "import", layer("b.tar", 10).toString())).out().trim();
        ok(jfs(root(), "create", "--name", "box", base));
        Path upper = root().resolve("containers/box/upper");
        Path src = Files.createDirectories(tmp.resolve("bindsrc"));
        Result m = StoreProcs.run(new ProcessBuilder("mount", "--bind", src.toString(), upper.toString()), null);
        assertEquals(0, m.exit(), m.toString());
        try {
            assertOneLineError(jfs(root(), "rm", "box"), "box", "is mounted");
        } finally {
            assertEquals(0, StoreProcs.run(new ProcessBuilder("umount", upper.toString()), null).exit());
        }
        ok(jfs(root(), "rm", "box"));
    }

    @Test
    void asAnOrdinaryUserTheStoreIsUnderXdgDataHomeAndImportsAreUnprivileged() throws Exception {
        // A world-readable copy of the class path (/root is not), and a home for user 65534.
        Path shared = Files.createTempDirectory(Path.of("/tmp"), "jfs-nobody");
        try {
            Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxr-xr-x"));
            List<String> cp = new ArrayList<>();
            int i = 0;
            for (String entry : System.getProperty("java.class.path").split(":")) {
                Path from = Path.of(entry);
                if (!Files.exists(from)) continue;
                Path to = shared.resolve("cp" + i++ + (Files.isDirectory(from) ? "" : ".jar"));
                copyTree(from, to);
                cp.add(to.toString());
            }
            Path home = Files.createDirectories(shared.resolve("home"));
            Path xdg = Files.createDirectories(shared.resolve("xdg"));
            for (Path p : List.of(home, xdg)) Files.setAttribute(p, "unix:uid", 65534);
            Path tar = shared.resolve("priv.tar");
            try (TarArchiveOutputStream t = new TarArchiveOutputStream(Files.newOutputStream(tar))) {
                TarArchiveEntry su = new TarArchiveEntry("su");
                su.setMode(0104755);
                su.setSize(1);
                su.setIds(0, 0);
                t.putArchiveEntry(su);
                t.write('x');
                t.closeArchiveEntry();
            }
            Files.setPosixFilePermissions(tar, PosixFilePermissions.fromString("rw-r--r--"));
            Path devTar = shared.resolve("dev.tar");
            try (TarArchiveOutputStream t = new TarArchiveOutputStream(Files.newOutputStream(devTar))) {
                TarArchiveEntry d = new TarArchiveEntry("null", TarArchiveEntry.LF_CHR);
                d.setDevMajor(1);
                d.setDevMinor(3);
                t.putArchiveEntry(d);
                t.closeArchiveEntry();
            }
            Files.setPosixFilePermissions(devTar, PosixFilePermissions.fromString("rw-r--r--"));

            Result r = asNobody(cp, home, xdg, "layer", "import", tar.toString());
            assertEquals(0, r.exit(), r.toString());
            String id = r.out().trim();
            Path layerDir = xdg.resolve("jfs/layers").resolve(id.substring(7)).resolve("diff");
            assertTrue(Files.isRegularFile(layerDir.resolve("su")), "store under $XDG_DATA_HOME/jfs");
            assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(layerDir.resolve("su"))),
                    "setuid stripped for an ordinary user");
            assertEquals(65534, Files.getAttribute(layerDir.resolve("su"), "unix:uid"));

            Result dev = asNobody(cp, home, xdg, "layer", "import", devTar.toString());
            assertOneLineError(dev, "dev.tar", "only root can import device nodes");

            Result noXdg = asNobody(cp, home, null, "layer", "import", tar.toString());
            assertEquals(0, noXdg.exit(), noXdg.toString());
            assertTrue(Files.isDirectory(home.resolve(".local/share/jfs/layers").resolve(id.substring(7))),
                    "without XDG_DATA_HOME: ~/.local/share/jfs");
        } finally {
            ok(StoreProcs.run(new ProcessBuilder("rm", "-rf", shared.toString()), null));
        }
    }

    Result asNobody(List<String> cp, Path home, Path xdg, String... args) {
        List<String> cmd = new ArrayList<>(List.of("setpriv", "--reuid", "65534", "--regid", "65534", "--clear-groups",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:+UseSerialGC",
                "-Djava.io.tmpdir=" + home, "-cp", String.join(":", cp), "dev.jfs.cli.Jfs"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(home.toFile());
        pb.environment().remove("JFS_ROOT");
        pb.environment().remove("XDG_DATA_HOME");
        pb.environment().put("HOME", home.toString());
        if (xdg != null) pb.environment().put("XDG_DATA_HOME", xdg.toString());
        return StoreProcs.run(pb, null);
    }

    static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path dest = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(dest);
                } else {
                    Files.copy(p, dest);
                }
                Files.setPosixFilePermissions(dest, PosixFilePermissions.fromString(
                        Files.isDirectory(dest) ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
    }
}
