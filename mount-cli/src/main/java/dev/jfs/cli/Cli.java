package dev.jfs.cli;

import dev.jfs.UserError;
import dev.jfs.posix.FsException;
import dev.jfs.posix.Posix;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.function.Function;
import picocli.CommandLine;

/**
 * Runs a picocli command the way every jfs command fails: one line on stderr naming what is at
 * fault, a non-zero exit, and a stack trace only with {@code --debug}.
 */
final class Cli {
    static final int EXIT_USAGE = 2;
    static final int EXIT_FAILURE = 1;

    private Cli() {}

    /** @param name the command's name in messages and help, if not its own (jfsmount for mount) */
    static int run(Object command, String name, String[] args) {
        return run(rest -> new CommandLine(command), name, args);
    }

    /**
     * @param commandLine the command line to run the arguments ({@code --debug} taken out) on
     * @param name        the command's name in messages and help, if not its own
     */
    static int run(Function<String[], CommandLine> commandLine, String name, String[] args) {
        bindLibcAhead();
        boolean debug = Arrays.asList(args).contains("--debug");
        String[] rest = Arrays.stream(args).filter(a -> !a.equals("--debug")).toArray(String[]::new);
        CommandLine cl = commandLine.apply(rest);
        if (name != null) cl.setCommandName(name);
        String shown = cl.getCommandName();
        cl.setParameterExceptionHandler((ex, a) -> {
            PrintWriter err = ex.getCommandLine().getErr();
            err.println(shown + ": " + ex.getMessage() + " (see " + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help)");
            if (debug) ex.printStackTrace(err);
            return EXIT_USAGE;
        });
        cl.setExecutionExceptionHandler((ex, c, parsed) -> {
            PrintWriter err = c.getErr();
            err.println(shown + ": " + describe(ex));
            if (debug) ex.printStackTrace(err);
            err.flush();
            return EXIT_FAILURE;
        });
        return cl.execute(rest);
    }

    /**
     * jnr-ffi binds libc by generating code, about 0.15 s, and picocli takes about as long to
     * build its model of the commands: on a thread of its own, the binding is done by the time
     * the command first needs it. (A command that never needs it, --help, does not wait for it.)
     */
    private static void bindLibcAhead() {
        Thread t = new Thread(() -> {
            try {
                Posix.libc();
            } catch (Throwable e) {
                // the command's own first call fails the same way and says why
            }
        }, "jfs-bind-libc");
        t.setDaemon(true);
        t.start();
    }

    static String describe(Throwable ex) {
        if (ex instanceof UserError || ex instanceof FsException) return ex.getMessage();
        if (ex instanceof java.nio.file.NoSuchFileException n) return n.getFile() + ": no such file or directory";
        if (ex instanceof java.nio.file.AccessDeniedException a) return a.getFile() + ": permission denied";
        if (ex instanceof java.io.IOException io) return io.getMessage() == null ? io.toString() : io.getMessage();
        return "internal error: " + ex + " (run with --debug for details)";
    }
}
