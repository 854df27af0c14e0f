package dev.jfs.cli;

import dev.jfs.store.ContainerInfo;
import dev.jfs.store.Store;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jfs create [--name NAME] [LAYER]}: a container on a layer's chain, in constant time. */
@Command(name = "create", mixinStandardHelpOptions = true,
        description = "Make a container: an empty upper and work dir on top of a layer and its parents."
                + " Prints the container's name.")
final class CreateCommand implements Callable<Integer> {
    @Option(names = "--name", paramLabel = "NAME", description = "its name (default: a generated one)")
    String name;

    @Parameters(paramLabel = "LAYER", arity = "0..1", description = "top layer id or unique prefix (default: nothing)")
    String layer;

    @Override
    public Integer call() {
        ContainerInfo c = Store.open().createContainer(name, layer);
        System.out.println(c.name());
        return 0;
    }
}
