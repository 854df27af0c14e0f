package dev.jfs.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The {@code jfs} command: mount, umount, diff, commit, and the layer store. */
@Command(name = "jfs", mixinStandardHelpOptions = true, version = "jfs 0.1.0",
        description = "Container image layers without a daemon: mount, diff, commit, store.")
public final class Jfs implements Runnable {
    /** Every subcommand, by the name its {@code @Command} gives it, in the order help lists them. */
    static final Map<String, Supplier<Object>> COMMANDS = new LinkedHashMap<>();

    static {
        COMMANDS.put("mount", MountCommand::new);
        COMMANDS.put("umount", UmountCommand::new);
        COMMANDS.put("diff", DiffCommand::new);
        COMMANDS.put("commit", CommitCommand::new);
        COMMANDS.put("layer", LayerCommand::new);
        COMMANDS.put("create", CreateCommand::new);
        COMMANDS.put("ls", LsCommand::new);
        COMMANDS.put("rm", RmCommand::new);
        COMMANDS.put("import", ImportCommand::new);
        COMMANDS.put("images", ImagesCommand::new);
        COMMANDS.put("image", ImageCommand::new);
        COMMANDS.put("history", HistoryCommand::new);
        COMMANDS.put("tag", TagCommand::new);
        COMMANDS.put("rmi", RmiCommand::new);
        COMMANDS.put("save", SaveCommand::new);
        COMMANDS.put("load", LoadCommand::new);
        COMMANDS.put("run", RunCommand::new);
        COMMANDS.put("start", StartCommand::new);
        COMMANDS.put("pull", PullCommand::new);
        COMMANDS.put("push", PushCommand::new);
        COMMANDS.put("login", LoginCommand::new);
        COMMANDS.put("logout", LogoutCommand::new);
        COMMANDS.put("build", BuildCommand::new);
    }

    /** This command as picocli runs it: its error needs no second model of the command. */
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is needed"); // Cli adds "(see jfs --help)"
    }

    /**
     * The command line for {@code args}. picocli models every command it is given, by reflection
     * over its annotations, before it parses anything: for all of jfs's that took about 0.1 s of
     * a commit's start-up, on its critical path. A command line that begins with a command's name
     * gets that command only; anything else (help, a version, a typo) gets them all, so that
     * help and errors list every command.
     */
    static CommandLine commandLine(String[] args) {
        CommandLine cl = new CommandLine(new Jfs());
        Supplier<Object> named = args.length == 0 ? null : COMMANDS.get(args[0]);
        if (named != null) {
            cl.addSubcommand(named.get());
        } else {
            COMMANDS.values().forEach(c -> cl.addSubcommand(c.get()));
        }
        return cl;
    }

    public static void main(String[] args) {
        System.exit(Cli.run(Jfs::commandLine, null, args));
    }
}
