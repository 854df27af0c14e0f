package dev.jfs.cli;

import dev.jfs.store.Store;
import dev.jfs.transfer.ArchiveLoader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code jfs load [-i FILE|-]}: images from an OCI layout tar or a docker-archive. */
@Command(name = "load", mixinStandardHelpOptions = true,
        description = {"Load images from a tar: an OCI image layout, a Docker 25+ tar or a docker-archive, itself and",
                "its layers plain, gzip or zstd. Every digest and diffID is checked; a bad blob loads nothing."})
final class LoadCommand implements Callable<Integer> {
    @Option(names = {"-i", "--input"}, paramLabel = "FILE", defaultValue = "-", description = "the archive (default: - , standard input)")
    String input;

    @Option(names = {"-q", "--quiet"}, description = "no progress")
    boolean quiet;

    @Override
    public Integer call() throws IOException {
        Store store = Store.open();
        Progress[] current = new Progress[1];
        ArchiveLoader.Listener listener = quiet ? null : (index, total, what, size) -> {
            if (current[0] != null) current[0].close();
            current[0] = Progress.onTerminal("loading layer " + index + "/" + total + " " + what, size);
            return current[0];
        };
        ArchiveLoader loader = new ArchiveLoader(store, listener);
        List<ArchiveLoader.Loaded> loaded;
        try {
            loaded = input.equals("-") ? loader.load(System.in, "standard input") : loader.load(Path.of(input));
        } finally {
            if (current[0] != null) current[0].close();
        }
        for (ArchiveLoader.Loaded l : loaded) {
            if (l.tags().isEmpty()) System.out.println("Loaded image ID: " + l.image().id());
            l.tags().forEach(t -> System.out.println("Loaded image: " + t));
        }
        return 0;
    }
}
