package dev.jfs.cli;

/** The {@code jfsmount} command: the same as {@code jfs mount}. */
public final class JfsMount {
    private JfsMount() {}

    public static void main(String[] args) {
        System.exit(Cli.run(new MountCommand(), "jfsmount", args));
    }
}
