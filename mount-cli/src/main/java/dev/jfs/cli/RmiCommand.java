package dev.jfs.cli;

import dev.jfs.store.Store;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jfs rmi [--force] IMAGE...}. */
@Command(name = "rmi", mixinStandardHelpOptions = true,
        description = {"Remove a tag, or an image no container uses, with the layers and blobs nothing else uses."})
final class RmiCommand implements Callable<Integer> {
    @Parameters(paramLabel = "IMAGE", arity = "1..*", description = "NAME[:TAG], NAME@DIGEST or an id prefix")
    List<String> refs;

    @Option(names = {"-f", "--force"}, description = "remove an image with several tags by id; untag one containers use")
    boolean force;

    @Override
    public Integer call() {
        Store store = Store.open();
        for (String ref : refs) store.images().remove(ref, force).forEach(System.out::println);
        return 0;
    }
}
