package dev.jfs.cli;

import dev.jfs.UserError;
import dev.jfs.runtime.BindMount;
import dev.jfs.runtime.CommandNotRunnable;
import dev.jfs.runtime.ContainerRun;
import dev.jfs.runtime.ImageSettings;
import dev.jfs.runtime.ProcessSpec;
import dev.jfs.runtime.RunOptions;
import dev.jfs.runtime.Stdio;
import dev.jfs.store.ContainerInfo;
import dev.jfs.store.Store;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code jfs run}: a new container of an image, its command run in it through runc, the
 * command's exit status returned. The container stays (stopped) for diff, commit and start,
 * unless {@code --rm}.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run a command in a new container of an image (through runc; needs root).")
final class RunCommand implements Callable<Integer> {
    @Option(names = {"-i", "--interactive"}, description = "pass standard input to the container")
    boolean interactive;

    @Option(names = {"-t", "--tty"}, description = "give the container a terminal (with -i: an interactive shell)")
    boolean tty;

    @Option(names = "--rm", description = "remove the container when its command ends")
    boolean remove;

    @Option(names = "--name", paramLabel = "NAME", description = "the container's name (default: a generated one)")
    String name;

    @Option(names = {"-e", "--env"}, paramLabel = "K=V", description = "set an environment variable (K alone: this shell's value)")
    List<String> env = new ArrayList<>();

    @Option(names = {"-w", "--workdir"}, paramLabel = "DIR", description = "working directory in the container")
    String workdir;

    @Option(names = {"-u", "--user"}, paramLabel = "USER[:GROUP]", description = "user (name or uid) and group to run as")
    String user;

    @Option(names = "--entrypoint", paramLabel = "CMD", description = "run CMD instead of the image's entrypoint (drops its Cmd)")
    String entrypoint;

    @Option(names = "--hostname", paramLabel = "NAME", description = "the container's hostname (default: its name)")
    String hostname;

    @Option(names = {"-v", "--volume"}, paramLabel = "HOST:PATH[:ro]", description = "bind a host file or directory")
    List<String> volumes = new ArrayList<>();

    @Parameters(index = "0", paramLabel = "IMAGE", description = "the image (NAME[:TAG], NAME@DIGEST, id prefix) or a layer id")
    String image;

    @Parameters(index = "1..*", paramLabel = "COMMAND", description = "the command and its arguments (default: the image's)")
    List<String> command = new ArrayList<>();

    /** Everything after IMAGE is the container's command, options included ({@code jfs run IMG ls -l}). */
    @Spec
    void stopAtImage(CommandSpec spec) {
        spec.parser().stopAtPositional(true);
    }

    @Override
    public Integer call() {
        List<BindMount> mounts = volumes.stream().map(BindMount::parse).toList();
        RunOptions options = new RunOptions(entrypoint, command, env, workdir, user, hostname, tty, mounts);
        Stdio stdio = stdio(interactive || tty);
        ContainerRun.checkCanRun(tty, stdio); // before a container is made that could never run
        Store store = Store.open();
        ContainerInfo c = CreateCommand.create(store, name, image);
        ProcessSpec spec;
        try {
            spec = ProcessSpec.compose(imageSettings(store, c.name()), options, c.name());
            spec.save(store.containerDir(c.name()).resolve(ContainerRun.SETTINGS));
        } catch (UserError e) {
            store.removeContainer(c.name()); // nothing ran in it
            throw e;
        }
        try {
            return runInContainer(store, c.name(), spec, stdio);
        } finally {
            if (remove) store.removeContainer(c.name());
        }
    }

    /** This process's descriptors for the container; stdin only if {@code input}. */
    static Stdio stdio(boolean input) {
        return input ? Stdio.inherit() : Stdio.inheritOutput();
    }

    /** What the container's image config says of its process. */
    static ImageSettings imageSettings(Store store, String container) {
        return ImageSettings.of(store.images().containerConfig(container).runConfig());
    }

    /** Runs and returns the exit status; a command the container lacks is docker's 127 (or 126). */
    static int runInContainer(Store store, String container, ProcessSpec spec, Stdio stdio) {
        try {
            return ContainerRun.run(store, container, spec, stdio);
        } catch (CommandNotRunnable e) {
            System.err.println("jfs: " + e.getMessage());
            return e.exitStatus();
        }
    }
}
