package dev.jfs.cli;

import dev.jfs.UserError;
import dev.jfs.archive.Compression;
import dev.jfs.archive.LayerCommit;
import dev.jfs.changes.StackViews;
import dev.jfs.image.ImageRef;
import dev.jfs.store.Image;
import dev.jfs.store.Store;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code jfs commit}: the upper as an OCI layer tar (SPEC 4), byte-for-byte reproducible. With
 * {@code --lower/--upper} it writes the file {@code -o} names; with a CONTAINER it stores a new
 * layer on the container's top layer (and writes {@code -o} too if given).
 */
@Command(name = "commit", mixinStandardHelpOptions = true,
        description = {"Write what the upper changed as an OCI layer tar and print its digests:",
                "'diffID sha256:...' (the uncompressed tar), 'blob sha256:...' (with --compress),",
                "'layer sha256:...' (CONTAINER: the new layer of the store), 'image sha256:...' (the image made",
                "of a container of an image, or with NAME[:TAG] or -c: its config has the layer's diffID appended,",
                "a history entry with -m as comment, and the -c changes)."})
final class CommitCommand implements Callable<Integer> {
    @Mixin
    StackArgs stack;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE",
            description = "where to write the layer (- for standard output); needed with --lower/--upper")
    String output;

    @Option(names = "--compress", paramLabel = "none|gzip|zstd", defaultValue = "none",
            description = "compression of the file -o writes (the store keeps layers extracted)")
    String compress;

    @Option(names = {"-m", "--message"}, paramLabel = "MESSAGE",
            description = "a comment kept with the stored layer and in the image's history")
    String message;

    @Parameters(index = "1", arity = "0..1", paramLabel = "NAME[:TAG]",
            description = "CONTAINER: tag the image made (TAG default latest)")
    String imageName;

    @Option(names = {"-c", "--change"}, paramLabel = "INSTRUCTION",
            description = "CONTAINER: apply a Dockerfile instruction to the image's config: CMD, ENTRYPOINT, ENV,"
                    + " WORKDIR, USER, LABEL, EXPOSE, VOLUME, STOPSIGNAL")
    java.util.List<String> changes = new java.util.ArrayList<>();

    @Override
    public Integer call() throws IOException {
        Compression compression = Compression.parse(compress);
        if (!stack.namesContainer()) {
            if (output == null) throw new UserError("-o FILE is needed with --lower/--upper (- for standard output)");
            if (message != null) throw new UserError("-m: only a commit into the store (jfs commit CONTAINER) keeps a message");
            if (!changes.isEmpty()) throw new UserError("-c: only a commit into the store (jfs commit CONTAINER) makes an image");
            StackViews views = StackViews.open(stack.resolve(null));
            LayerCommit.Result r = writeFile(views, compression, null);
            report(r, null);
            return 0;
        }
        Store store = Store.open();
        String busy = store.busyReason(stack.container);
        if (busy != null) {
            System.err.println("jfs commit: warning: container " + stack.container + " is in use (" + busy
                    + "): the layer holds its upper as it is while being read");
        }
        ImageRef tag = imageName == null ? null : ImageRef.parse(imageName);
        StackViews views = StackViews.open(stack.resolve(store));
        LayerCommit.Result[] written = new LayerCommit.Result[1];
        Store.LayerWriter writer = storeCopy -> {
            written[0] = output == null
                    ? commit(views, Compression.NONE, storeCopy, null)
                    : writeFile(views, compression, storeCopy);
            return written[0].diffId();
        };
        // A container of an image, or a commit asking for a name or changes, makes an image; a
        // container of a bare layer keeps the layer-only commit it always had.
        if (store.container(stack.container).image() == null && tag == null && changes.isEmpty()) {
            Store.Imported stored = store.commit(stack.container, writer, message);
            report(written[0], stored.layer().id());
            return 0;
        }
        Image image = store.images().commit(stack.container, writer, message, changes, tag);
        report(written[0], image.top().id());
        ("-".equals(output) ? System.err : System.out).println("image " + image.id());
        return 0;
    }

    /** The digests, on stdout unless the layer itself went there. */
    private void report(LayerCommit.Result r, String layerId) {
        java.io.PrintStream out = "-".equals(output) ? System.err : System.out;
        out.println("diffID " + r.diffId());
        if (r.blobDigest() != null) out.println("blob " + r.blobDigest());
        if (layerId != null) out.println("layer " + layerId);
    }

    /**
     * Writes the layer to {@code -o} (and to {@code storeCopy}, uncompressed, if not null). A
     * regular file is written beside its destination and renamed into place, so a failed commit
     * never leaves half a layer under that name.
     */
    private LayerCommit.Result writeFile(StackViews views, Compression compression, OutputStream storeCopy)
            throws IOException {
        if (output.equals("-")) {
            return commit(views, compression, new FileOutputStream(FileDescriptor.out), storeCopy);
        }
        Path dest = Path.of(output).toAbsolutePath();
        if (Files.exists(dest) && !Files.isRegularFile(dest, LinkOption.NOFOLLOW_LINKS)) {
            try (OutputStream out = Files.newOutputStream(dest)) { // a device or pipe, e.g. /dev/null
                return commit(views, compression, out, storeCopy);
            }
        }
        if (!Files.isDirectory(dest.getParent())) throw new UserError("-o " + output + ": no such directory " + dest.getParent());
        Path tmp = dest.resolveSibling("." + dest.getFileName() + ".jfs-" + ProcessHandle.current().pid());
        try {
            LayerCommit.Result r;
            try (OutputStream out = Files.newOutputStream(tmp)) {
                r = commit(views, compression, out, storeCopy);
            }
            Files.move(tmp, dest, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return r;
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private LayerCommit.Result commit(StackViews views, Compression compression, OutputStream out,
                                      OutputStream storeCopy) throws IOException {
        try (Progress progress = Progress.onTerminal("committing", -1)) {
            LayerCommit.Result r = LayerCommit.write(views, compression, out, storeCopy, progress,
                    warning -> System.err.println("jfs commit: warning: " + warning));
            out.flush();
            return r;
        }
    }
}
