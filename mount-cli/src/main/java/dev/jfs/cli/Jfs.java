package dev.jfs.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code jfs} command: mount, umount, diff, commit, and the layer store. */
@Command(name = "jfs", mixinStandardHelpOptions = true, version = "jfs 0.1.0",
        description = "Container image layers without a daemon: mount, diff, commit, store.",
        subcommands = {MountCommand.class, UmountCommand.class, DiffCommand.class, CommitCommand.class,
                LayerCommand.class, CreateCommand.class, LsCommand.class, RmCommand.class})
public final class Jfs implements Runnable {
    @Override
    public void run() {
        throw new CommandLine.ParameterException(new CommandLine(this), "a command is needed (see jfs --help)");
    }

    public static void main(String[] args) {
        System.exit(Cli.run(new Jfs(), args));
    }
}
