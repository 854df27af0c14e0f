package dev.jfs.cli;

import dev.jfs.UserError;
import dev.jfs.image.ImageRef;
import dev.jfs.store.Image;
import dev.jfs.store.Store;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jfs import FILE|- [NAME[:TAG]] [-c INSTRUCTION]...}: a flat rootfs tarball as a one-layer image. */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = {"Make a one-layer image of a rootfs tarball (tar, tar.gz or tar.zst, told by content), as",
                "docker import does, and print its id. The tarball is kept as the layer's blob."})
final class ImportCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE|-", description = "the tarball, or - for standard input")
    String file;

    @Parameters(index = "1", arity = "0..1", paramLabel = "NAME[:TAG]", description = "tag the image (TAG default latest)")
    String name;

    @Option(names = {"-c", "--change"}, paramLabel = "INSTRUCTION",
            description = "apply a Dockerfile instruction: CMD, ENTRYPOINT, ENV, WORKDIR, USER, LABEL, EXPOSE, VOLUME, STOPSIGNAL")
    List<String> changes = new ArrayList<>();

    @Option(names = {"-m", "--message"}, paramLabel = "MESSAGE", description = "the history entry's comment")
    String message;

    @Override
    public Integer call() throws IOException {
        ImageRef tag = name == null ? null : ImageRef.parse(name);
        Store store = Store.open();
        boolean stdin = file.equals("-");
        String source = stdin ? "standard input" : file;
        try (InputStream in = stdin ? System.in : open(Path.of(file));
             Progress progress = Progress.onTerminal("importing " + source, stdin ? -1 : Files.size(Path.of(file)))) {
            Image image = store.images().importRootfs(in, source, tag, changes, message, progress);
            System.out.println(image.id());
        }
        return 0;
    }

    private static InputStream open(Path p) throws IOException {
        try {
            return Files.newInputStream(p);
        } catch (NoSuchFileException e) {
            throw new UserError(p + ": no such file");
        }
    }
}
