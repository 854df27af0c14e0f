package dev.jfs.cli;

import dev.jfs.runtime.ContainerRun;
import dev.jfs.runtime.ProcessSpec;
import dev.jfs.runtime.RunOptions;
import dev.jfs.store.Store;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code jfs start [-ai] CONTAINER}: runs a stopped container's command again, with the settings
 * {@code jfs run} gave it (a container of {@code jfs create}: its image's), on what it changed so far. There is no daemon to leave it running
 * with: start waits for the command and returns its exit status.
 */
@Command(name = "start", mixinStandardHelpOptions = true,
        description = "Run a stopped container's command again and wait for it (needs root).")
final class StartCommand implements Callable<Integer> {
    @Option(names = {"-a", "--attach"}, description = "show the container's output (it always is: start waits for it)")
    boolean attach;

    @Option(names = {"-i", "--interactive"}, description = "pass standard input (and a terminal, if it was run with -t)")
    boolean interactive;

    @Parameters(paramLabel = "CONTAINER")
    String container;

    @Override
    public Integer call() {
        Store store = Store.open();
        Path settings = store.containerDir(container).resolve(ContainerRun.SETTINGS);
        // A container jfs create made has never run: its image's command, as docker starts it.
        ProcessSpec spec = Files.exists(settings) ? ProcessSpec.load(settings)
                : ProcessSpec.compose(RunCommand.imageSettings(store, container),
                        new RunOptions(null, null, null, null, null, null, interactive, null), container);
        if (!interactive) spec = spec.withTty(false); // a terminal only for someone typing at it
        return RunCommand.runInContainer(store, container, spec, RunCommand.stdio(interactive));
    }
}
