package dev.jfs.cli;

import dev.jfs.UserError;
import dev.jfs.store.Image;
import dev.jfs.store.Store;
import dev.jfs.transfer.registry.ImageReference;
import dev.jfs.transfer.registry.Pusher;
import dev.jfs.transfer.registry.TransferProgress;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jfs push [--tls-verify=false] [--creds U:P] IMAGE [REF]} (SPEC 9). */
@Command(name = "push", mixinStandardHelpOptions = true,
        description = "Push an image to a registry: only the blobs it lacks. Prints the manifest digest.")
final class PushCommand implements Callable<Integer> {
    @Mixin
    RegistryArgs registry;

    /** Tests use it to make a small blob go in PATCH chunks. */
    @Option(names = "--chunk-size", hidden = true, paramLabel = "BYTES")
    Long chunkSize;

    @Parameters(index = "0", paramLabel = "IMAGE", description = "the image: NAME[:TAG], NAME@DIGEST or an id prefix")
    String image;

    @Parameters(index = "1", arity = "0..1", paramLabel = "REF",
            description = "where to: HOST[:PORT]/REPO[:TAG] (default: IMAGE, if it names a registry)")
    String ref;

    @Override
    public Integer call() {
        Store store = Store.open();
        Image img = store.images().resolve(image);
        if (ref == null && !namesRegistry(image)) {
            throw new UserError("push " + image + ": give where to, HOST[:PORT]/REPO[:TAG] (the image's name has no registry host)");
        }
        ImageReference target = ImageReference.parse(ref != null ? ref : image);
        TransferProgress progress = BlobProgress.onTerminal();
        Pusher.Result result;
        try {
            var options = registry.options();
            result = new Pusher(store, chunkSize == null ? options : options.withChunkSize(chunkSize), progress)
                    .push(img, target);
        } finally {
            BlobProgress.end(progress);
        }
        System.out.println(result.digest());
        return 0;
    }

    /** Whether a name begins with a registry host, as Docker tells one: a dot, a port, or localhost. */
    private static boolean namesRegistry(String name) {
        int slash = name.indexOf('/');
        if (slash <= 0) return false;
        String first = name.substring(0, slash);
        return first.contains(".") || first.contains(":") || first.equals("localhost");
    }
}
