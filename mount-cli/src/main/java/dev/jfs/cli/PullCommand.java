package dev.jfs.cli;

import dev.jfs.store.Store;
import dev.jfs.transfer.registry.ImageReference;
import dev.jfs.transfer.registry.Platform;
import dev.jfs.transfer.registry.Puller;
import dev.jfs.transfer.registry.TransferProgress;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jfs pull [--tls-verify=false] [--creds U:P] [--platform OS/ARCH[/VARIANT]] REF} (SPEC 9). */
@Command(name = "pull", mixinStandardHelpOptions = true,
        description = "Pull an image from a registry: only the layers the store lacks, each digest checked."
                + " Tags it HOST/REPO:TAG and prints its id.")
final class PullCommand implements Callable<Integer> {
    @Mixin
    RegistryArgs registry;

    @Option(names = "--platform", paramLabel = "OS/ARCH[/VARIANT]",
            description = "which image of an index (default linux/amd64)")
    String platform;

    @Parameters(paramLabel = "REF", description = "HOST[:PORT]/REPO[:TAG|@sha256:DIGEST]")
    String ref;

    @Override
    public Integer call() {
        ImageReference r = ImageReference.parse(ref);
        Platform p = platform == null ? Platform.DEFAULT : Platform.parse(platform);
        TransferProgress progress = BlobProgress.onTerminal();
        Puller.Result result;
        try {
            result = new Puller(Store.open(), registry.options(), progress).pull(r, p);
        } finally {
            BlobProgress.end(progress);
        }
        System.out.println(result.image().id());
        return 0;
    }
}
