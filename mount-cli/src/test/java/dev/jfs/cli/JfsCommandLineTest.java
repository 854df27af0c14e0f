package dev.jfs.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@link Jfs#commandLine}: one command when the arguments name it, all of them otherwise; and
 * the one-line usage errors of a command line that names none.
 */
class JfsCommandLineTest {
    @Test
    void everyCommandIsListedUnderTheNameItsAnnotationGivesIt() {
        for (Map.Entry<String, java.util.function.Supplier<Object>> c : Jfs.COMMANDS.entrySet()) {
            assertEquals(c.getKey(), new CommandLine(c.getValue().get()).getCommandName());
        }
    }

    @Test
    void aNamedCommandIsTheOnlyOneModelled() {
        CommandLine cl = Jfs.commandLine(new String[] {"commit", "--help"});
        assertEquals(List.of("commit"), List.copyOf(cl.getSubcommands().keySet()));
        assertEquals("jfs commit", cl.getSubcommands().get("commit").getCommandSpec().qualifiedName());
    }

    @Test
    void helpAndUnknownCommandsSeeEveryCommand() {
        for (String[] args : new String[][] {{}, {"--help"}, {"comit"}, {"-V"}}) {
            CommandLine cl = Jfs.commandLine(args);
            assertEquals(List.copyOf(Jfs.COMMANDS.keySet()), List.copyOf(cl.getSubcommands().keySet()), String.join(" ", args));
            assertTrue(cl.getSubcommands().keySet().containsAll(List.of("mount", "commit", "images", "save", "load", "pull", "push", "run", "build")),
                    String.join(" ", args));
        }
    }

    @Test
    void aMissingCommandIsOneLineNamingTheHelpToRead() {
        assertEquals("jfs: a command is needed (see jfs --help)", runAndReadError());
        assertEquals("jfs: a subcommand is needed: import, ls, inspect or rm (see jfs layer --help)",
                runAndReadError("layer"));
    }

    /** Runs jfs with {@code args} as its main does, expecting a usage error: its stderr, trimmed. */
    private static String runAndReadError(String... args) {
        PrintStream saved = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            assertEquals(Cli.EXIT_USAGE, Cli.run(Jfs::commandLine, null, args));
        } finally {
            System.setErr(saved);
        }
        return err.toString(StandardCharsets.UTF_8).trim();
    }

    @Test
    void theLayerCommandKeepsItsOwnSubcommands() {
        CommandLine layer = Jfs.commandLine(new String[] {"layer", "ls"}).getSubcommands().get("layer");
        assertEquals(List.of("import", "ls", "inspect", "rm"), List.copyOf(layer.getSubcommands().keySet()));
    }
}
