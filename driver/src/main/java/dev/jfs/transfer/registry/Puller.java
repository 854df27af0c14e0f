package dev.jfs.transfer.registry;

import dev.jfs.UserError;
import dev.jfs.archive.DigestingInputStream;
import dev.jfs.image.Descriptor;
import dev.jfs.image.Digests;
import dev.jfs.image.ImageConfig;
import dev.jfs.image.ImageIndex;
import dev.jfs.image.ImageRef;
import dev.jfs.image.Manifest;
import dev.jfs.image.MediaTypes;
import dev.jfs.image.OciJson;
import dev.jfs.store.Image;
import dev.jfs.store.Store;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code jfs pull}: a manifest (the platform's, if the reference names an index), its config,
 * and the layers the store lacks. Layer blobs download in parallel into a scratch dir of the
 * store, each checked against its digest as it streams; then each is imported in order by the
 * store's safe importer (which checks the digest again, and the diffID), and all are published at
 * once with the image. A blob whose digest is wrong fails the pull and leaves nothing stored.
 */
public final class Puller {
    private static final int MAX_CONFIG = 8 << 20;
    private final Store store;
    private final RegistryOptions options;
    private final TransferProgress progress;

    public Puller(Store store, RegistryOptions options, TransferProgress progress) {
        this.store = store;
        this.options = options;
        this.progress = progress;
    }

    /** What the pull did: the image, and how many layer blobs it downloaded of how many. */
    public record Result(Image image, int downloaded, int layers) {}

    public Result pull(ImageReference ref, Platform platform) {
        String subject = ref.toString();
        RegistryClient client = RegistryClient.forReference(ref, options);
        RegistryClient.Fetched fetched = client.manifest(ref.manifestReference());
        String type = mediaType(fetched, subject);
        if (MediaTypes.isIndex(type)) {
            ImageIndex index = OciJson.parse(fetched.bytes(), ImageIndex.class, subject + ": image index");
            Descriptor chosen = platform.choose(index.manifests);
            if (chosen == null) {
                throw new UserError(subject + ": no image for " + platform + " in its index (it has "
                        + Platform.offered(index.manifests) + "; see --platform)");
            }
            fetched = client.manifest(Digests.check(chosen.digest, subject + ": index entry"));
            type = mediaType(fetched, subject);
        }
        if (!MediaTypes.isManifest(type)) {
            throw new UserError(subject + ": the registry sent a " + type + ", not an image manifest jfs reads");
        }
        Manifest manifest = OciJson.parse(fetched.bytes(), Manifest.class, subject + ": manifest");
        if (manifest.config == null) throw new UserError(subject + ": its manifest names no config");
        byte[] configBytes = config(client, manifest.config, subject);
        ImageConfig config = OciJson.parse(configBytes, ImageConfig.class, subject + ": image config");
        if (config.diffIds().size() != manifest.layers.size()) {
            throw new UserError(subject + ": its manifest names " + manifest.layers.size() + " layers, its config "
                    + config.diffIds().size());
        }
        ImageRef tag = ref.digest() == null ? ref.localTag() : null;
        Image had = store.images().find(ref.name() + "@" + fetched.digest());
        if (had != null && had.complete() && (tag == null || had.tags().contains(tag.toString()))) {
            progress.finished(manifest.config.digest, "exists"); // up to date: nothing to write
            return new Result(had, 0, manifest.layers.size());
        }
        int downloaded = importLayers(client, manifest, config, subject);
        Image image = store.images().add(configBytes, fetched.bytes(), tag == null ? List.of() : List.of(tag));
        List<String> blobs = new ArrayList<>();
        manifest.layers.forEach(d -> blobs.add(d.digest));
        blobs.add(manifest.config.digest);
        BlobSources.in(store.root()).noteAll(blobs, ref.host(), ref.repository());
        return new Result(image, downloaded, manifest.layers.size());
    }

    /** The manifest's type: the header's, or the document's own {@code mediaType} when the header is vague. */
    private static String mediaType(RegistryClient.Fetched f, String subject) {
        if (MediaTypes.isManifest(f.mediaType()) || MediaTypes.isIndex(f.mediaType())) return f.mediaType();
        try {
            String t = OciJson.mapper().readTree(f.bytes()).path("mediaType").asText("");
            return t.isEmpty() ? f.mediaType() : t;
        } catch (IOException e) {
            throw new UserError(subject + ": the registry sent a manifest that is not JSON");
        }
    }

    private byte[] config(RegistryClient client, Descriptor d, String subject) {
        String digest = Digests.check(d.digest, subject + ": config");
        if (store.blobs().has(digest)) return store.blobs().read(digest);
        RegistryClient.BlobStream s = client.openBlob(digest);
        try (InputStream in = s.in()) {
            byte[] bytes = in.readNBytes(MAX_CONFIG + 1);
            if (bytes.length > MAX_CONFIG) throw new UserError(subject + ": its config is larger than 8 MiB");
            if (!Digests.sha256(bytes).equals(digest)) {
                throw new UserError(subject + ": the registry sent a config whose digest is " + Digests.sha256(bytes)
                        + ", not " + digest);
            }
            return bytes;
        } catch (IOException e) {
            throw new UserError(subject + ": reading its config failed (" + e.getMessage() + ")", e);
        }
    }

    /**
     * Downloads and stages the layers the store lacks, publishes them; returns how many blobs came
     * over the network. The layer being imported streams straight from the registry into the
     * importer; the pool meanwhile downloads the next ones into scratch files.
     */
    private int importLayers(RegistryClient client, Manifest manifest, ImageConfig config, String subject) {
        int n = manifest.layers.size();
        List<String> chains = new ArrayList<>();
        String chain = null;
        for (String diffId : config.diffIds()) {
            chain = chainId(chain, Digests.check(diffId, subject + ": config diff_id"));
            chains.add(chain);
        }
        List<Download> downloads = new ArrayList<>();
        List<Store.StagedLayer> staged = new ArrayList<>();
        int fetched = 0;
        ExecutorService pool = Parallel.pool("jfs-pull");
        try (Store.ScratchDir scratch = store.scratchDir("pull")) {
            for (int i = 0; i < n; i++) {
                Descriptor d = manifest.layers.get(i);
                String digest = Digests.check(d.digest, subject + ": layer");
                boolean needed = !store.hasLayer(chains.get(i)) || !store.blobs().has(digest);
                if (needed && !store.blobs().has(digest)) {
                    Download dl = new Download(client, d, scratch.dir().resolve(Digests.hex(digest)), subject);
                    if (fetched > 0) dl.future = pool.submit(dl::toFile); // the first streams into the importer at once
                    downloads.add(dl);
                    fetched++;
                } else {
                    downloads.add(null);
                    if (!needed) progress.finished(digest, "exists");
                }
            }
            Store.Parent parent = null;
            for (int i = 0; i < n; i++) {
                Descriptor d = manifest.layers.get(i);
                if (store.hasLayer(chains.get(i)) && store.blobs().has(d.digest)) {
                    parent = new Store.Parent(store.layer(chains.get(i)), store.layerDir(store.layer(chains.get(i))));
                    continue;
                }
                Download dl = downloads.get(i);
                VerifiedBlob direct = dl == null ? null : dl.claim();
                InputStream in = dl == null ? store.blobs().open(d.digest)
                        : direct != null ? direct : Files.newInputStream(dl.downloaded());
                Store.StagedLayer s;
                try {
                    s = store.stageLayer(in, subject + ": layer " + Digests.shortId(d.digest), parent,
                            new Store.Expect(config.diffIds().get(i), d.digest, MediaTypes.toOci(d.mediaType)), null, null);
                } catch (UserError e) {
                    UserError wrongBytes = direct == null ? null : direct.verdict();
                    throw wrongBytes != null ? wrongBytes : e;
                } finally {
                    if (direct != null) direct.release();
                }
                staged.add(s);
                parent = s.asParent();
                if (dl != null) Files.deleteIfExists(dl.file);
            }
            store.publish(staged);
            return fetched;
        } catch (IOException e) {
            throw new UserError(subject + ": pull failed (" + e.getMessage() + ")", e);
        } finally {
            pool.shutdownNow();
            staged.forEach(Store.StagedLayer::close);
        }
    }

    /**
     * One layer blob: either downloaded into a scratch file by the pool, or, if the importer
     * reaches it first, streamed to the importer directly. Whichever claims it first does it.
     */
    private final class Download {
        final RegistryClient client;
        final Descriptor descriptor;
        final Path file;
        final String subject;
        final AtomicBoolean claimed = new AtomicBoolean();
        volatile Future<Path> future;

        Download(RegistryClient client, Descriptor descriptor, Path file, String subject) {
            this.client = client;
            this.descriptor = descriptor;
            this.file = file;
            this.subject = subject;
        }

        /** The pool's task: the blob into {@code file} (a wrong blob deletes it and fails); null if claimed already. */
        Path toFile() throws IOException {
            if (!claimed.compareAndSet(false, true)) return null;
            VerifiedBlob in = new VerifiedBlob(client, descriptor, subject);
            try {
                Files.copy(in, file);
            } catch (IOException | RuntimeException e) {
                Files.deleteIfExists(file);
                if (e instanceof IOException io) {
                    throw new UserError(subject + ": downloading blob " + descriptor.digest + " failed (" + io.getMessage() + ")", io);
                }
                throw e;
            } finally {
                in.release();
            }
            return file;
        }

        /** The registry's stream for the importer, or null if the pool began downloading it (then see {@link #downloaded}). */
        VerifiedBlob claim() {
            return claimed.compareAndSet(false, true) ? new VerifiedBlob(client, descriptor, subject) : null;
        }

        Path downloaded() {
            return Parallel.await(future);
        }
    }

    /**
     * A blob as the registry streams it, counted against the descriptor's size and digested as it
     * passes; at its end a wrong size or digest throws, so whatever was reading it (a file, the
     * importer) stores nothing. Closing it leaves the connection open for {@link #verdict}; only
     * {@link #release} closes it.
     */
    private final class VerifiedBlob extends java.io.FilterInputStream {
        private final Descriptor d;
        private final String subject;
        private final DigestingInputStream digesting;
        private long done;
        private boolean checked;

        VerifiedBlob(RegistryClient client, Descriptor d, String subject) {
            this(d, subject, new DigestingInputStream(client.openBlob(d.digest).in(), null));
            progress.started(d.digest, d.size);
        }

        private VerifiedBlob(Descriptor d, String subject, DigestingInputStream digesting) {
            super(digesting);
            this.d = d;
            this.subject = subject;
            this.digesting = digesting;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int r = in.read(b, off, len);
            if (r > 0) {
                done += r;
                if (d.size > 0 && done > d.size) throw refused("more than " + d.size + " bytes");
                progress.advanced(d.digest, done);
            } else if (r < 0 && !checked) {
                checked = true;
                if (d.size > 0 && done != d.size) throw refused(done + " bytes, not " + d.size);
                if (!digesting.digest().equals(d.digest)) throw refused("digest " + digesting.digest());
                progress.finished(d.digest, "done");
            }
            return r;
        }

        private UserError refused(String what) {
            return new UserError(subject + ": the registry sent blob " + d.digest + " with " + what + ": refused, nothing stored");
        }

        /**
         * After a reader failed part way (a corrupt gzip stream, say): the rest of the blob read
         * through, and the error saying the registry sent wrong bytes, if it did; else null.
         */
        UserError verdict() {
            try {
                byte[] buf = new byte[1 << 16];
                while (read(buf, 0, buf.length) >= 0) {
                    // counted and digested by read
                }
                return null;
            } catch (UserError e) {
                return e;
            } catch (IOException e) {
                return null;
            }
        }

        @Override
        public void close() {
            // see release
        }

        void release() {
            try {
                in.close();
            } catch (IOException ignored) {
                // the connection is dropped
            }
        }
    }

    /** The OCI ChainID: the diffID for a base layer, else sha256(parent ChainID + " " + diffID), as the store names layers. */
    static String chainId(String parent, String diffId) {
        return parent == null ? diffId : Digests.sha256((parent + " " + diffId).getBytes(StandardCharsets.UTF_8));
    }
}
