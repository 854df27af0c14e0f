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
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

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
        int downloaded = importLayers(client, manifest, config, subject);
        ImageRef tag = ref.digest() == null ? ref.localTag() : null;
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

    /** Downloads and stages the layers the store lacks, publishes them; returns how many blobs came over the network. */
    private int importLayers(RegistryClient client, Manifest manifest, ImageConfig config, String subject) {
        int n = manifest.layers.size();
        List<String> chains = new ArrayList<>();
        String chain = null;
        for (String diffId : config.diffIds()) {
            chain = chainId(chain, Digests.check(diffId, subject + ": config diff_id"));
            chains.add(chain);
        }
        List<Future<Path>> downloads = new ArrayList<>();
        List<Store.StagedLayer> staged = new ArrayList<>();
        int fetched = 0;
        ExecutorService pool = Parallel.pool("jfs-pull");
        try (Store.ScratchDir scratch = store.scratchDir("pull")) {
            for (int i = 0; i < n; i++) {
                Descriptor d = manifest.layers.get(i);
                String digest = Digests.check(d.digest, subject + ": layer");
                boolean needed = !store.hasLayer(chains.get(i)) || !store.blobs().has(digest);
                if (needed && !store.blobs().has(digest)) {
                    Path file = scratch.dir().resolve(Digests.hex(digest));
                    downloads.add(pool.submit(() -> download(client, d, file, subject)));
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
                Path file = downloads.get(i) == null ? null : Parallel.await(downloads.get(i));
                InputStream in = file == null ? store.blobs().open(d.digest) : Files.newInputStream(file);
                Store.StagedLayer s = store.stageLayer(in, subject + ": layer " + Digests.shortId(d.digest), parent,
                        new Store.Expect(config.diffIds().get(i), d.digest, MediaTypes.toOci(d.mediaType)), null, null);
                staged.add(s);
                parent = s.asParent();
                if (file != null) Files.deleteIfExists(file);
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

    /** One blob into {@code file}, its digest and size checked as it streams; a mismatch deletes it and fails. */
    private Path download(RegistryClient client, Descriptor d, Path file, String subject) throws IOException {
        progress.started(d.digest, d.size);
        RegistryClient.BlobStream s = client.openBlob(d.digest);
        long done = 0;
        try (InputStream in = s.in(); OutputStream out = Files.newOutputStream(file)) {
            DigestingInputStream digesting = new DigestingInputStream(in, out);
            byte[] buf = new byte[1 << 16];
            for (int r; (r = digesting.read(buf)) > 0; ) {
                done += r;
                if (d.size > 0 && done > d.size) break;
                progress.advanced(d.digest, done);
            }
            if ((d.size > 0 && done != d.size) || !digesting.digest().equals(d.digest)) {
                throw new UserError(subject + ": the registry sent blob " + d.digest + " with "
                        + (d.size > 0 && done != d.size ? (done > d.size ? "more than " : "") + done + " bytes, not " + d.size
                        : "digest " + digesting.digest()) + ": refused, nothing stored");
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(file);
            if (e instanceof IOException io) throw new UserError(subject + ": downloading blob " + d.digest + " failed (" + io.getMessage() + ")", io);
            throw e;
        }
        progress.finished(d.digest, "done");
        return file;
    }

    /** The OCI ChainID: the diffID for a base layer, else sha256(parent ChainID + " " + diffID), as the store names layers. */
    static String chainId(String parent, String diffId) {
        return parent == null ? diffId : Digests.sha256((parent + " " + diffId).getBytes(StandardCharsets.UTF_8));
    }
}
