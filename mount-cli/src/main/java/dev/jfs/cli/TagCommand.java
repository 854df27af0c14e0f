package dev.jfs.cli;

import dev.jfs.store.Store;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code jfs tag IMAGE NAME[:TAG]}. */
@Command(name = "tag", mixinStandardHelpOptions = true, description = "Give an image another name (a tag moves from any image it named).")
final class TagCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "IMAGE", description = "NAME[:TAG], NAME@DIGEST or an id prefix")
    String image;

    @Parameters(index = "1", paramLabel = "NAME[:TAG]", description = "the new name (TAG default latest)")
    String name;

    @Override
    public Integer call() {
        Store.open().images().tag(image, name);
        return 0;
    }
}
