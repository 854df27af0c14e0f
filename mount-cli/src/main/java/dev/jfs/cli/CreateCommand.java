package dev.jfs.cli;

import dev.jfs.store.ContainerInfo;
import dev.jfs.store.Image;
import dev.jfs.store.Store;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jfs create [--name NAME] [IMAGE|LAYER]}: a container on an image or a layer's chain, in constant time. */
@Command(name = "create", mixinStandardHelpOptions = true,
        description = "Make a container: an empty upper and work dir on top of an image's layers (or a layer and"
                + " its parents). Prints the container's name.")
final class CreateCommand implements Callable<Integer> {
    @Option(names = "--name", paramLabel = "NAME", description = "its name (default: a generated one)")
    String name;

    @Parameters(paramLabel = "IMAGE|LAYER", arity = "0..1",
            description = "an image (NAME[:TAG], NAME@DIGEST, id prefix) or a top layer id or prefix (default: nothing)")
    String from;

    @Override
    public Integer call() {
        ContainerInfo c = create(Store.open(), name, from);
        System.out.println(c.name());
        return 0;
    }

    /** A container of an image, else of a layer id (prefix), else of nothing ({@code from} null). */
    static ContainerInfo create(Store store, String name, String from) {
        Image image = from == null ? null : store.images().find(from);
        if (from != null && image == null && !from.matches("(sha256:)?[0-9a-f]{1,64}")) {
            throw new dev.jfs.UserError("no such image: " + from);
        }
        return image != null ? store.images().createContainer(name, image.id()) : store.createContainer(name, from);
    }
}
