package dev.jfs.transfer.registry;

import dev.jfs.UserError;
import dev.jfs.image.Descriptor;
import dev.jfs.image.MediaTypes;
import dev.jfs.store.Image;
import dev.jfs.store.Store;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * {@code jfs push}: the image's blobs the repository lacks (HEAD first), mounted from another
 * repository of the same registry where jfs knows one holds them, uploaded otherwise, in
 * parallel; then its manifest, exactly the bytes the store keeps, so the digest stays the image's.
 */
public final class Pusher {
    private final Store store;
    private final RegistryOptions options;
    private final TransferProgress progress;

    public Pusher(Store store, RegistryOptions options, TransferProgress progress) {
        this.store = store;
        this.options = options;
        this.progress = progress;
    }

    /** What a push did: the manifest digest, and how many blobs were uploaded, mounted, already there. */
    public record Result(String digest, int uploaded, int mounted, int present) {}

    private enum Outcome { UPLOADED, MOUNTED, PRESENT }

    public Result push(Image image, ImageReference ref) {
        String subject = ref.toString();
        if (ref.digest() != null && !ref.digest().equals(image.digest())) {
            throw new UserError(subject + ": the image's digest is " + image.digest() + ", not the one named");
        }
        RegistryClient client = RegistryClient.forReference(ref, options);
        BlobSources sources = BlobSources.in(store.root());
        List<Descriptor> blobs = new ArrayList<>(image.manifest().layers);
        blobs.add(image.manifest().config);
        Set<String> mountFrom = new LinkedHashSet<>();
        for (Descriptor d : blobs) {
            String from = sources.mountSource(d.digest, ref.host(), ref.repository());
            if (from != null) mountFrom.add(from);
        }
        client.wantPush(mountFrom);
        ExecutorService pool = Parallel.pool("jfs-push");
        int[] counts = new int[Outcome.values().length];
        try {
            List<Future<Outcome>> sent = new ArrayList<>();
            for (Descriptor d : blobs) {
                String from = sources.mountSource(d.digest, ref.host(), ref.repository());
                sent.add(pool.submit(() -> pushBlob(client, d, from)));
            }
            for (Future<Outcome> f : sent) counts[Parallel.await(f).ordinal()]++;
        } finally {
            pool.shutdownNow();
        }
        byte[] manifest = store.blobs().read(image.digest());
        String type = image.manifest().mediaType != null ? image.manifest().mediaType : MediaTypes.OCI_MANIFEST;
        String digest = client.putManifest(ref.tag() != null ? ref.tag() : image.digest(), type, manifest);
        sources.noteAll(blobs.stream().map(d -> d.digest).toList(), ref.host(), ref.repository());
        return new Result(digest, counts[Outcome.UPLOADED.ordinal()], counts[Outcome.MOUNTED.ordinal()],
                counts[Outcome.PRESENT.ordinal()]);
    }

    private Outcome pushBlob(RegistryClient client, Descriptor d, String mountFrom) {
        if (client.hasBlob(d.digest)) {
            progress.finished(d.digest, "exists");
            return Outcome.PRESENT;
        }
        RegistryClient.Upload upload = client.startUpload(d.digest, mountFrom);
        if (upload == null) {
            progress.finished(d.digest, "mounted");
            return Outcome.MOUNTED;
        }
        long size = store.blobs().size(d.digest);
        progress.started(d.digest, size);
        upload.send(d.digest, size, () -> new Counting(Files.newInputStream(store.blobs().path(d.digest)), d.digest),
                options.chunkSize());
        progress.finished(d.digest, "done");
        return Outcome.UPLOADED;
    }

    /** Reports the bytes read from a blob as upload progress. */
    private final class Counting extends FilterInputStream {
        private final String digest;
        private long done;

        Counting(InputStream in, String digest) {
            super(in);
            this.digest = digest;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) progress.advanced(digest, done += n);
            return n;
        }
    }
}
