package dev.jfs.nativetest.cli;

import static dev.jfs.nativetest.CliProcess.jfs;
import static org.junit.jupiter.api.Assertions.*;

import dev.jfs.nativetest.CliProcess.Result;
import dev.jfs.posix.Names;
import dev.jfs.posix.Posix;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code jfs diff} and {@code jfs commit} run as processes: their output streams, and a one-line error for each mistake. */
class DiffCommitCliTest {
    @TempDir Path tmp;
    Path lower, upper;

    @BeforeEach
    void stack() throws Exception {
        lower = Files.createDirectories(tmp.resolve("lower/etc"));
        Files.writeString(lower.resolve("hosts"), "localhost\n");
        lower = tmp.resolve("lower");
        upper = Files.createDirectories(tmp.resolve("upper/etc"));
        Files.writeString(upper.resolve("hosts"), "localhost\ndb\n");
        Files.writeString(upper.resolve("new"), "n\n");
        upper = tmp.resolve("upper");
    }

    static void assertOneLineError(Result r, String... parts) {
        assertNotEquals(0, r.exit(), r.toString());
        String err = r.err();
        assertTrue(err.startsWith("jfs: "), err);
        assertEquals(1, err.lines().count(), "one line: " + err);
        assertFalse(err.contains("Exception"), err);
        for (String p : parts) assertTrue(err.contains(p), "'" + err.trim() + "' lacks '" + p + "'");
    }

    @Test
    void diffPrintsLinesAndJson() {
        Result text = jfs("diff", "--lower", lower.toString(), "--upper", upper.toString());
        assertEquals(0, text.exit(), text.toString());
        assertEquals("C /etc\nC /etc/hosts\nA /etc/new\n", text.out());
        Result json = jfs("diff", "--lower", lower.toString(), "--upper", upper.toString(), "--format", "json");
        assertEquals(0, json.exit(), json.toString());
        assertEquals("[\n  {\"kind\": \"C\", \"path\": \"/etc\"},\n  {\"kind\": \"C\", \"path\": \"/etc/hosts\"},\n"
                + "  {\"kind\": \"A\", \"path\": \"/etc/new\"}\n]\n", json.out());
    }

    /** A name that is not UTF-8 prints with its bytes escaped, and the layer tar holds the bytes themselves. */
    @Test
    void aNameThatIsNotUtf8PrintsEscapedAndCommitsAsItsBytes() throws Exception {
        String name = Names.decode(new byte[] {(byte) 0xff, (byte) 0xfe, '-', 'x'});
        Posix.close(Posix.open(upper + "/etc/" + name, Posix.O_WRONLY | Posix.O_CREAT, 0644));
        Result text = jfs("diff", "--lower", lower.toString(), "--upper", upper.toString());
        assertEquals(0, text.exit(), text.toString());
        assertEquals("C /etc\nC /etc/hosts\nA /etc/new\nA /etc/\\xff\\xfe-x\n", text.out());
        Result json = jfs("diff", "--lower", lower.toString(), "--upper", upper.toString(), "--format", "json");
        assertTrue(json.out().contains("{\"kind\": \"A\", \"path\": \"/etc/\\\\xff\\\\xfe-x\"}"), json.out());

        Path file = tmp.resolve("layer.tar");
        Result r = jfs("commit", "--lower", lower.toString(), "--upper", upper.toString(), "-o", file.toString());
        assertEquals(0, r.exit(), r.toString());
        ProcessBuilder tar = new ProcessBuilder("tar", "--quoting-style=escape", "-tf", file.toString());
        tar.environment().put("LC_ALL", "C");
        Result listed = dev.jfs.nativetest.CliProcess.exec(tar, 60);
        assertEquals("etc/\netc/hosts\netc/new\netc/\\377\\376-x\n", listed.out(), "GNU tar reads the name's own bytes");
    }

    @Test
    void commitToAFileAndToStandardOutputGiveTheSameBytes() throws Exception {
        Path file = tmp.resolve("layer.tar");
        Result r = jfs("commit", "--lower", lower.toString(), "--upper", upper.toString(), "-o", file.toString());
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().matches("diffID sha256:[0-9a-f]{64}\n"), r.out());
        assertEquals(0, Files.list(tmp).filter(p -> p.getFileName().toString().startsWith(".layer.tar")).count(),
                "no temporary file left beside the output");
        Result piped = jfs("commit", "--lower", lower.toString(), "--upper", upper.toString(), "-o", "-");
        assertEquals(0, piped.exit(), piped.toString());
        assertEquals(Files.size(file), piped.out().length(), "the tar, and only the tar, on standard output");
        assertTrue(piped.out().startsWith("etc/"), "it starts with the first entry's header");
        assertEquals(r.out(), piped.err(), "the digest goes to stderr then");
    }

    @Test
    void aLongCommitShowsProgressOnATerminalOnly() throws Exception {
        try (var f = java.nio.channels.FileChannel.open(upper.resolve("big"), java.nio.file.StandardOpenOption.CREATE_NEW,
                java.nio.file.StandardOpenOption.WRITE)) {
            f.truncate(0);
            f.write(java.nio.ByteBuffer.wrap(new byte[] {1}), 2L << 30); // 2 GiB, sparse: seconds to commit
        }
        String cmd = String.join(" ", dev.jfs.nativetest.CliProcess.java("dev.jfs.cli.Jfs", "commit", "--lower",
                lower.toString(), "--upper", upper.toString(), "-o", "/dev/null"));
        // script(1) gives the command a terminal; its output (stdout and stderr together) lands in the typescript.
        Path typescript = tmp.resolve("typescript");
        Result onTerminal = dev.jfs.nativetest.CliProcess.run(java.util.List.of("script", "-qec", cmd, typescript.toString()));
        assertEquals(0, onTerminal.exit(), onTerminal.toString());
        String shown = Files.readString(typescript);
        assertTrue(shown.contains("committing: "), "a progress line on a terminal: " + shown);
        assertTrue(shown.contains("diffID sha256:"), shown);
        Result piped = dev.jfs.nativetest.CliProcess.run(dev.jfs.nativetest.CliProcess.java("dev.jfs.cli.Jfs", "commit",
                "--lower", lower.toString(), "--upper", upper.toString(), "-o", "/dev/null"));
        assertEquals(0, piped.exit(), piped.toString());
        assertEquals("", piped.err(), "nothing but the digest when piped");
    }

    @Test
    void mistakesGiveOneLine() {
        String l = lower.toString(), u = upper.toString();
        assertOneLineError(jfs("commit", "--lower", l, "--upper", u), "-o FILE is needed");
        assertOneLineError(jfs("commit", "--lower", l, "--upper", u, "-o", tmp.resolve("no/such/x.tar").toString()),
                "no such directory");
        assertOneLineError(jfs("commit", "--lower", l, "--upper", u, "-o", tmp.resolve("x").toString(), "--compress", "lz4"),
                "--compress lz4");
        assertOneLineError(jfs("diff", "--lower", l, "--upper", tmp.resolve("missing").toString()), "missing", "no such directory");
        assertOneLineError(jfs("diff", "--lower", tmp.resolve("nolower").toString(), "--upper", u), "nolower");
        assertOneLineError(jfs("diff"), "CONTAINER", "--lower");
        assertOneLineError(jfs("diff", "--upper", u), "--lower");
        assertOneLineError(jfs("diff", "--lower", l, "--upper", u, "--format", "xml"), "xml");
        assertOneLineError(jfs("diff", "--lower", l, "--upper", u, "box"), "not both");
    }
}
