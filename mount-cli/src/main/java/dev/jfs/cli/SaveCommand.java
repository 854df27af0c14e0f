package dev.jfs.cli;

import dev.jfs.UserError;
import dev.jfs.archive.Compression;
import dev.jfs.store.Store;
import dev.jfs.transfer.ArchiveFormat;
import dev.jfs.transfer.ImageSaver;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jfs save [-o FILE] [--format oci|docker] [--compress ...] [--since IMAGE] IMAGE...}. */
@Command(name = "save", mixinStandardHelpOptions = true,
        description = {"Write images to a tar: by default both an OCI image layout and a docker-archive in one, as",
                "Docker 25+ writes it (docker load, podman load, skopeo and umoci read it). The same images",
                "give the same bytes."})
final class SaveCommand implements Callable<Integer> {
    @Parameters(paramLabel = "IMAGE", arity = "1..*", description = "NAME[:TAG], NAME@DIGEST or an id prefix")
    List<String> images;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "where to write (default: standard output)")
    String output;

    @Option(names = "--format", paramLabel = "oci|docker", description = "only an OCI image layout, or only a docker-archive")
    String format;

    @Option(names = "--compress", paramLabel = "gzip|zstd|none",
            description = "layers in this compression (default: as the store keeps them)")
    String compress;

    @Option(names = "--since", paramLabel = "IMAGE", description = "leave out the layers IMAGE has (for a receiver that has it)")
    String since;

    @Override
    public Integer call() throws IOException {
        ArchiveFormat f = ArchiveFormat.parse(format);
        Compression c = compress == null ? null : Compression.parse(compress);
        Store store = Store.open();
        ImageSaver saver = new ImageSaver(store, f, c, since);
        if (output == null || output.equals("-")) {
            if (System.console() != null) throw new UserError("refusing to write a tar to a terminal: use -o FILE or a pipe");
            try (FileOutputStream out = new FileOutputStream(FileDescriptor.out)) {
                saver.save(images, out.getChannel());
            }
            return 0;
        }
        Path dest = Path.of(output).toAbsolutePath();
        if (!Files.isDirectory(dest.getParent())) throw new UserError("-o " + output + ": no such directory " + dest.getParent());
        if (Files.isDirectory(dest)) throw new UserError("-o " + output + ": is a directory");
        Path tmp = dest.resolveSibling("." + dest.getFileName() + ".jfs-" + ProcessHandle.current().pid());
        try {
            try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                saver.save(images, out);
            }
            Files.move(tmp, dest, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return 0;
    }
}
