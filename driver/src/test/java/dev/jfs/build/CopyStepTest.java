package dev.jfs.build;

import static org.junit.jupiter.api.Assertions.*;

import dev.jfs.UserError;
import dev.jfs.posix.Posix;
import dev.jfs.posix.Stat;
import dev.jfs.union.LayerStack;
import dev.jfs.union.UnionFs;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZOutputStream;

/** COPY and ADD into a union root in process: Docker's destination, wildcard, ignore, owner and archive rules. */
class CopyStepTest {
    @TempDir Path tmp;
    Path ctx, lower, upper;
    UnionFs fs;

    @BeforeEach
    void setUp() throws Exception {
        ctx = Files.createDirectories(tmp.resolve("ctx"));
        lower = Files.createDirectories(tmp.resolve("lower"));
        upper = tmp.resolve("upper");
        write(ctx, "app.py", "print(1)\n");
        write(ctx, "requirements.txt", "flask\n");
        write(ctx, "src/main.sh", "echo main\n");
        write(ctx, "src/lib/util.sh", "echo util\n");
        write(ctx, "src/notes.md", "notes\n");
        write(ctx, "logs/a.log", "log\n");
        Files.createDirectories(lower.resolve("usr/lib"));
        Files.createSymbolicLink(lower.resolve("lib"), Path.of("usr/lib"));
        write(lower, "etc/passwd", "root:x:0:0::/root:/bin/sh\n");
        write(lower, "app/existing", "old\n");
        fs = UnionFs.open(new LayerStack(List.of(lower), upper, tmp.resolve("work")).validate(), null);
    }

    static void write(Path base, String rel, String content) throws Exception {
        Path p = base.resolve(rel);
        Files.createDirectories(p.getParent());
        Files.writeString(p, content);
        Posix.chmod(p.toString(), 0644); // another test's union may have left this JVM's umask 0
    }

    SourceTree context(String ignore) {
        return new ContextDir(ctx.toString(), DockerIgnore.parse(ignore));
    }

    CopyStep step(SourceTree tree, boolean add, String dest, Integer chmod, CopyStep.Owner owner, String... sources) {
        return new CopyStep(tree, new CopyStep.Spec("Dockerfile:5: COPY", add, List.of(sources), dest, chmod, owner, List.of()));
    }

    void copy(String dest, String... sources) throws Exception {
        step(context(""), false, dest, null, null, sources).apply(new RootWriter(fs));
    }

    String read(String rel) throws Exception {
        return Files.readString(Path.of(fs.view().require(rel).realPath()));
    }

    boolean exists(String rel) {
        return fs.view().lookup(rel) != null;
    }

    @Test
    void fileIntoDirectoryKeepsItsNameElseIsRenamed() throws Exception {
        copy("/app/", "app.py");
        copy("/opt/renamed.py", "app.py");
        copy("/app", "requirements.txt"); // /app exists as a directory
        assertEquals("print(1)\n", read("app/app.py"));
        assertEquals("print(1)\n", read("opt/renamed.py"));
        assertEquals("flask\n", read("app/requirements.txt"));
        assertEquals("old\n", read("app/existing"));
        Stat st = fs.getattr("app/app.py");
        assertEquals(0, st.uid());
        assertEquals(0644, st.permissions());
    }

    @Test
    void directoryIsCopiedByItsContentAndIgnoredFilesStayOut() throws Exception {
        step(context("**/*.md\n"), false, "/code", null, null, "src").apply(new RootWriter(fs));
        assertEquals("echo main\n", read("code/main.sh"));
        assertEquals("echo util\n", read("code/lib/util.sh"));
        assertFalse(exists("code/src"));
        assertFalse(exists("code/notes.md"));
    }

    @Test
    void wildcardsMatchNamesAndNeedADirectoryDestination() throws Exception {
        copy("/w/", "*.py", "*.txt");
        assertEquals("print(1)\n", read("w/app.py"));
        assertEquals("flask\n", read("w/requirements.txt"));
        copy("/s/", "src/*.sh");
        assertEquals("echo main\n", read("s/main.sh"));
        String e = assertThrows(UserError.class, () -> copy("/multi", "app.py", "requirements.txt")).getMessage();
        assertTrue(e.contains("must be a directory and end with a /"), e);
        e = assertThrows(UserError.class, () -> copy("/x/", "*.nothing")).getMessage();
        assertTrue(e.contains("nothing in the build context") && e.contains("*.nothing"), e);
        e = assertThrows(UserError.class, () -> copy("/x/", "missing.txt")).getMessage();
        assertTrue(e.startsWith("Dockerfile:5: COPY: missing.txt: not found in the build context"), e);
        e = assertThrows(UserError.class, () -> step(context("app.py\n"), false, "/x/", null, null, "app.py").apply(new RootWriter(fs))).getMessage();
        assertTrue(e.contains("excluded by .dockerignore"), e);
    }

    @Test
    void sourcesCannotLeaveTheContext() throws Exception {
        write(tmp, "outside.txt", "secret\n");
        assertThrows(UserError.class, () -> copy("/x/", "../outside.txt"));
        Files.createSymbolicLink(ctx.resolve("escape"), Path.of("../../outside.txt"));
        assertThrows(UserError.class, () -> copy("/x/", "escape"));
        Files.createSymbolicLink(ctx.resolve("inside"), Path.of("/app.py"));
        copy("/y/", "inside");
        assertEquals("print(1)\n", read("y/inside"));
    }

    @Test
    void destinationSymlinksResolveInsideTheImage() throws Exception {
        copy("/lib/", "app.py");
        assertEquals("print(1)\n", read("usr/lib/app.py"));
        assertTrue(Files.isSymbolicLink(lower.resolve("lib")));
    }

    @Test
    void chownAndChmodApplyToEverythingCopied() throws Exception {
        step(context(""), false, "/o/", 0750, new CopyStep.Owner(1000, 1001), "src").apply(new RootWriter(fs));
        for (String p : List.of("o", "o/main.sh", "o/lib", "o/lib/util.sh")) {
            Stat st = fs.getattr(p);
            assertEquals(1000, st.uid(), p);
            assertEquals(1001, st.gid(), p);
            if (!p.equals("o")) assertEquals(0750, st.permissions(), p);
        }
    }

    @Test
    void heredocSourceIsAFileNamedAfterItsDelimiter() throws Exception {
        new CopyStep(context(""), new CopyStep.Spec("COPY", false, List.of("<<conf"), "/etc/app/", null, null,
                List.of(new CopyStep.HeredocFile("conf", "port=80\n".getBytes(StandardCharsets.UTF_8))))).apply(new RootWriter(fs));
        assertEquals("port=80\n", read("etc/app/conf"));
        assertEquals(0644, fs.getattr("etc/app/conf").permissions());
    }

    @Test
    void addExtractsLocalTarsInEveryCompressionAndRefusesUrls() throws Exception {
        byte[] tar = tar();
        Files.write(ctx.resolve("plain.tar"), tar);
        Files.write(ctx.resolve("g.tar.gz"), compress(tar, o -> new GZIPOutputStream(o)));
        Files.write(ctx.resolve("b.tar.bz2"), compress(tar, o -> new BZip2CompressorOutputStream(o)));
        Files.write(ctx.resolve("x.tar.xz"), compress(tar, o -> new XZOutputStream(o, new LZMA2Options())));
        Files.write(ctx.resolve("z.tar.zst"), compress(tar, o -> new com.github.luben.zstd.ZstdOutputStream(o)));
        for (String name : List.of("plain.tar", "g.tar.gz", "b.tar.bz2", "x.tar.xz", "z.tar.zst")) {
            step(context(""), true, "/x/" + name, null, null, name).apply(new RootWriter(fs));
            assertEquals("inside\n", read("x/" + name + "/pkg/file.txt"), name);
            assertEquals(1234, fs.getattr("x/" + name + "/pkg/file.txt").uid(), name);
            assertEquals(0600, fs.getattr("x/" + name + "/pkg/file.txt").permissions(), name);
            assertEquals("file.txt", fs.readlink("x/" + name + "/pkg/link"), name);
        }
        step(context(""), false, "/c/", null, null, "g.tar.gz").apply(new RootWriter(fs));
        assertTrue(fs.getattr("c/g.tar.gz").isRegular(), "COPY does not extract");
        String e = assertThrows(UserError.class, () -> step(context(""), true, "/d/", null, null, "https://example.com/x.tar").apply(new RootWriter(fs))).getMessage();
        assertTrue(e.contains("remote sources need the network"), e);
    }

    interface Compressor {
        OutputStream wrap(OutputStream o) throws Exception;
    }

    static byte[] compress(byte[] data, Compressor c) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream o = c.wrap(bytes)) {
            o.write(data);
        }
        return bytes.toByteArray();
    }

    static byte[] tar() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream t = new TarArchiveOutputStream(bytes)) {
            TarArchiveEntry d = new TarArchiveEntry("pkg/");
            d.setMode(0755);
            t.putArchiveEntry(d);
            t.closeArchiveEntry();
            byte[] content = "inside\n".getBytes(StandardCharsets.UTF_8);
            TarArchiveEntry f = new TarArchiveEntry("./pkg/file.txt");
            f.setSize(content.length);
            f.setMode(0600);
            f.setIds(1234, 1234);
            t.putArchiveEntry(f);
            t.write(content);
            t.closeArchiveEntry();
            TarArchiveEntry l = new TarArchiveEntry("pkg/link", TarArchiveEntry.LF_SYMLINK);
            l.setLinkName("file.txt");
            t.putArchiveEntry(l);
            t.closeArchiveEntry();
            TarArchiveEntry evil = new TarArchiveEntry("../../escape.txt");
            evil.setSize(1);
            t.putArchiveEntry(evil);
            t.write('x');
            t.closeArchiveEntry();
        }
        return bytes.toByteArray();
    }

    @Test
    void archiveNamesStayInsideTheDestination() throws Exception {
        Files.write(ctx.resolve("a.tar"), tar());
        step(context(""), true, "/in/", null, null, "a.tar").apply(new RootWriter(fs));
        assertTrue(exists("in/escape.txt"));
        assertFalse(exists("escape.txt"));
        assertFalse(Files.exists(tmp.resolve("escape.txt")));
    }

    @Test
    void digestCoversContentModeAndOwnerButNotTimesOrIgnoredFiles() throws Exception {
        String base = step(context("**/*.md\n"), false, "/c/", null, null, "src", "app.py").digest();
        Files.setLastModifiedTime(ctx.resolve("src/main.sh"), FileTime.fromMillis(1_000_000));
        assertEquals(base, step(context("**/*.md\n"), false, "/c/", null, null, "src", "app.py").digest(), "mtime");
        Files.writeString(ctx.resolve("src/notes.md"), "changed, but ignored\n");
        assertEquals(base, step(context("**/*.md\n"), false, "/c/", null, null, "src", "app.py").digest(), "ignored file");
        Files.writeString(ctx.resolve("src/lib/util.sh"), "echo changed\n");
        String changed = step(context("**/*.md\n"), false, "/c/", null, null, "src", "app.py").digest();
        assertNotEquals(base, changed, "content");
        Posix.chmod(ctx.resolve("app.py").toString(), 0755);
        String chmodded = step(context("**/*.md\n"), false, "/c/", null, null, "src", "app.py").digest();
        assertNotEquals(changed, chmodded, "mode");
        write(ctx, "src/new.sh", "new\n");
        assertNotEquals(chmodded, step(context("**/*.md\n"), false, "/c/", null, null, "src", "app.py").digest(), "a new file");
        assertNotEquals(step(context(""), false, "/c/", null, null, "app.py").digest(),
                step(context(""), false, "/c/", null, null, "requirements.txt").digest(), "which source");
    }

    @Test
    void copyFromAnImageKeepsOwners() throws Exception {
        Path other = Files.createDirectories(tmp.resolve("other"));
        write(other, "out/bin/tool", "tool\n");
        Posix.lchown(other.resolve("out/bin/tool").toString(), 42, 43);
        UnionFs src = UnionFs.open(new LayerStack(List.of(other), tmp.resolve("u2"), tmp.resolve("w2")).validate(), null);
        step(new ImageRoot(src, "stage build"), false, "/usr/local/", null, null, "/out/bin").apply(new RootWriter(fs));
        assertEquals("tool\n", read("usr/local/tool"));
        assertEquals(42, fs.getattr("usr/local/tool").uid());
        assertEquals(43, fs.getattr("usr/local/tool").gid());
    }
}
