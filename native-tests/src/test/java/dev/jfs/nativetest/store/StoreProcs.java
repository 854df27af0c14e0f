package dev.jfs.nativetest.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/** Runs jfs in child processes against a store given by JFS_ROOT, and builds test layers. */
final class StoreProcs {
    record Result(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\nstdout: " + out + "\nstderr: " + err;
        }
    }

    private StoreProcs() {}

    static List<String> java(String mainClass, String... args) {
        return dev.jfs.nativetest.CliProcess.java(mainClass, args);
    }

    static ProcessBuilder builder(Path root, List<String> cmd) {
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("LC_ALL", "C.UTF-8");
        if (root != null) pb.environment().put("JFS_ROOT", root.toString());
        return pb;
    }

    static Result jfs(Path root, String... args) {
        return run(builder(root, java("dev.jfs.cli.Jfs", args)), null);
    }

    static Result jfsWithInput(Path root, Path stdin, String... args) {
        return run(builder(root, java("dev.jfs.cli.Jfs", args)), stdin);
    }

    static Result run(ProcessBuilder pb, Path stdin) {
        try {
            Path out = Files.createTempFile("jfs-out", ".txt");
            Path err = Files.createTempFile("jfs-err", ".txt");
            pb.redirectOutput(out.toFile()).redirectError(err.toFile())
                    .redirectInput(stdin == null ? ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())
                            : ProcessBuilder.Redirect.from(stdin.toFile()));
            Process p = pb.start();
            if (!p.waitFor(300, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("timed out: " + pb.command());
            }
            Result r = new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
            Files.delete(out);
            Files.delete(err);
            return r;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static Result ok(Result r) {
        if (r.exit() != 0) throw new AssertionError("command failed: " + r);
        return r;
    }

    /** A layer of {@code files} files (some large) in a few dirs, a symlink, a hard link. */
    static void writeLayer(Path file, int files, int largeEvery, long seed) throws IOException {
        Random rnd = new Random(seed);
        try (OutputStream os = Files.newOutputStream(file);
             TarArchiveOutputStream tar = new TarArchiveOutputStream(os)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            for (int d = 0; d < 10; d++) {
                TarArchiveEntry de = new TarArchiveEntry("dir" + d + "/");
                de.setMode(040755);
                tar.putArchiveEntry(de);
                tar.closeArchiveEntry();
            }
            for (int i = 0; i < files; i++) {
                byte[] data = new byte[i % largeEvery == 0 ? 1 << 20 : 100 + rnd.nextInt(4000)];
                rnd.nextBytes(data);
                TarArchiveEntry e = new TarArchiveEntry("dir" + (i % 10) + "/file" + i);
                e.setMode(0100644);
                e.setSize(data.length);
                tar.putArchiveEntry(e);
                tar.write(data);
                tar.closeArchiveEntry();
            }
            TarArchiveEntry s = new TarArchiveEntry("link", TarArchiveEntry.LF_SYMLINK);
            s.setLinkName("dir0/file0");
            tar.putArchiveEntry(s);
            tar.closeArchiveEntry();
            TarArchiveEntry h = new TarArchiveEntry("hard", TarArchiveEntry.LF_LINK);
            h.setLinkName("dir1/file1");
            tar.putArchiveEntry(h);
            tar.closeArchiveEntry();
            tar.finish();
        }
    }

    /** path -> type, mode, size and content digest of every entry under {@code dir}. */
    static Map<String, String> tree(Path dir) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.toList()) {
                String rel = dir.relativize(p).toString();
                String kind;
                if (Files.isSymbolicLink(p)) {
                    kind = "l " + Files.readSymbolicLink(p);
                } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    kind = "d";
                } else {
                    kind = "f " + Files.size(p) + " " + sha256(p);
                }
                out.put(rel, kind);
            }
        }
        return out;
    }

    static String sha256(Path p) throws IOException {
        return dev.jfs.nativetest.CliProcess.sha256(p);
    }

    static List<String> names(Path dir) throws IOException {
        if (!Files.exists(dir)) return List.of();
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
