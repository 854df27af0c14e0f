package dev.jfs.transfer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jfs.UserError;
import dev.jfs.archive.Decompress;
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
import dev.jfs.store.LayerBlob;
import dev.jfs.store.LayerInfo;
import dev.jfs.store.Staging;
import dev.jfs.store.Store;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;

/**
 * {@code jfs load}: images from an OCI image layout tar, a Docker 25+ tar (both in one), or a
 * docker-archive ({@code manifest.json}); the archive itself may be gzip or zstd compressed, and
 * each layer plain, gzip or zstd. Every JSON document is checked against its digest, every layer
 * blob against its digest and its diffID while it is extracted; all layers are staged first and
 * published together, so a bad blob anywhere leaves no layer, image or tag behind. Layers the
 * store has (with the blob the manifest names) are not read at all.
 */
public final class ArchiveLoader {
    /** Hears about each layer read; returns what hears its bytes (or null). */
    public interface Listener {
        LongConsumer layer(int index, int total, String what, long size);
    }

    /** A loaded image and the names it was loaded with. */
    public record Loaded(Image image, List<String> tags) {}

    /** A layer to read: its file in the archive and what it must be. */
    private record PlannedLayer(String file, String diffId, String blobDigest, String mediaType) {}

    /** An image to add: config bytes, manifest bytes (null: jfs writes one), layers, names. */
    private record PlannedImage(byte[] config, byte[] manifest, List<PlannedLayer> layers, List<ImageRef> tags) {}

    private final Store store;
    private final Listener listener;

    public ArchiveLoader(Store store, Listener listener) {
        this.store = store;
        this.listener = listener;
    }

    /** Loads from a stream (standard input): copied to a scratch file first, since an archive's index may come last. */
    public List<Loaded> load(InputStream in, String source) throws IOException {
        try (Staging scratch = store.staging("load")) {
            Path file = scratch.dir().resolve("archive.tar");
            Files.copy(Decompress.open(in, source).stream(), file);
            return loadTar(file, source);
        }
    }

    public List<Loaded> load(Path file) throws IOException {
        String source = file.toString();
        Decompress.Format format;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            format = Decompress.detect(in, source);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new UserError(source + ": no such file");
        }
        if (format == Decompress.Format.TAR) return loadTar(file, source);
        try (InputStream in = Files.newInputStream(file)) {
            return load(in, source);
        }
    }

    private List<Loaded> loadTar(Path file, String source) throws IOException {
        try (ArchiveEntries archive = new ArchiveEntries(file, source)) {
            List<PlannedImage> plan;
            if (archive.has("index.json")) plan = planOci(archive, source);
            else if (archive.has("manifest.json")) plan = planDocker(archive, source);
            else if (archive.has("repositories")) {
                throw new UserError(source + ": a legacy docker-archive (no manifest.json); jfs reads docker save's"
                        + " format from Docker 1.10 on, and OCI layouts");
            } else {
                throw new UserError(source + ": neither an OCI image layout (index.json) nor a docker-archive (manifest.json)");
            }
            return importAll(archive, plan, source);
        }
    }

    // ---- planning: what the archive says, checked against digests -------------------------------

    private List<PlannedImage> planOci(ArchiveEntries archive, String source) throws IOException {
        ImageIndex index = OciJson.parse(archive.read("index.json"), ImageIndex.class, source + ": index.json");
        Map<String, List<String>> dockerTags = archive.has("manifest.json") ? dockerTagsByConfig(archive, source) : Map.of();
        Map<String, PlannedImage> byManifest = new LinkedHashMap<>();
        for (Descriptor d : index.manifests) addOci(archive, source, d, nameOf(d), dockerTags, byManifest, 0);
        return new ArrayList<>(byManifest.values());
    }

    private void addOci(ArchiveEntries archive, String source, Descriptor d, ImageRef name,
                        Map<String, List<String>> dockerTags, Map<String, PlannedImage> byManifest, int depth)
            throws IOException {
        byte[] bytes = blob(archive, source, d.digest, "manifest");
        String type = d.mediaType != null ? d.mediaType : OciJson.mapper().readTree(bytes).path("mediaType").asText(null);
        if (MediaTypes.isIndex(type)) {
            if (depth > 4) throw new UserError(source + ": indexes nested too deep");
            ImageIndex nested = OciJson.parse(bytes, ImageIndex.class, source + ": index " + d.digest);
            addOci(archive, source, forThisPlatform(nested, source), name, dockerTags, byManifest, depth + 1);
            return;
        }
        PlannedImage known = byManifest.get(d.digest);
        if (known != null) {
            if (name != null && !known.tags().contains(name)) known.tags().add(name);
            return;
        }
        Manifest m = OciJson.parse(bytes, Manifest.class, source + ": manifest " + d.digest);
        if (m.config == null) throw new UserError(source + ": manifest " + d.digest + " names no config");
        byte[] config = blob(archive, source, m.config.digest, "config");
        ImageConfig c = OciJson.parse(config, ImageConfig.class, source + ": config " + m.config.digest);
        List<String> diffIds = c.diffIds();
        if (diffIds.size() != m.layers.size()) {
            throw new UserError(source + ": manifest " + d.digest + " names " + m.layers.size() + " layers, its config "
                    + diffIds.size() + " diffIDs");
        }
        List<PlannedLayer> layers = new ArrayList<>();
        for (int i = 0; i < m.layers.size(); i++) {
            Descriptor l = m.layers.get(i);
            Digests.check(l.digest, source + ": a layer of manifest " + d.digest);
            layers.add(new PlannedLayer(blobPath(l.digest), Digests.check(diffIds.get(i), source + ": a diffID"), l.digest,
                    l.mediaType == null ? null : MediaTypes.toOci(l.mediaType)));
        }
        List<ImageRef> tags = new ArrayList<>();
        if (name != null) tags.add(name);
        else {
            for (String t : dockerTags.getOrDefault(m.config.digest, List.of())) {
                ImageRef r = ImageRef.tryParse(t);
                if (r != null && !tags.contains(r)) tags.add(r);
            }
        }
        byManifest.put(d.digest, new PlannedImage(config, bytes, layers, tags));
    }

    /** The manifest of an index for this machine's platform (linux and its architecture), else the first. */
    private static Descriptor forThisPlatform(ImageIndex index, String source) {
        if (index.manifests.isEmpty()) throw new UserError(source + ": an index with no manifests");
        String arch = ImageConfig.forThisPlatform().architecture;
        for (Descriptor d : index.manifests) {
            if (d.platform != null && "linux".equals(d.platform.get("os")) && arch.equals(d.platform.get("architecture"))) return d;
        }
        return index.manifests.get(0);
    }

    /** The name an index entry gives: containerd's full name, else a ref.name that is a whole NAME:TAG. */
    private static ImageRef nameOf(Descriptor d) {
        if (d.annotations == null) return null;
        String full = d.annotations.get(ImageIndex.CONTAINERD_NAME);
        if (full != null && ImageRef.tryParse(full) != null && ImageRef.tryParse(full).tag() != null) return ImageRef.tryParse(full);
        String ref = d.annotations.get(ImageIndex.REF_NAME);
        if (ref != null && ref.contains(":")) {
            ImageRef r = ImageRef.tryParse(ref);
            if (r != null && r.tag() != null) return r;
        }
        return null;
    }

    private List<PlannedImage> planDocker(ArchiveEntries archive, String source) throws IOException {
        List<PlannedImage> out = new ArrayList<>();
        for (JsonNode entry : dockerManifest(archive, source)) {
            String configFile = entry.path("Config").asText("");
            byte[] config = archive.read(configFile);
            ImageConfig c = OciJson.parse(config, ImageConfig.class, source + ": " + configFile);
            JsonNode layerFiles = entry.path("Layers");
            if (layerFiles.size() != c.diffIds().size()) {
                throw new UserError(source + ": manifest.json names " + layerFiles.size() + " layers for " + configFile
                        + ", its config " + c.diffIds().size() + " diffIDs");
            }
            List<PlannedLayer> layers = new ArrayList<>();
            for (int i = 0; i < layerFiles.size(); i++) {
                String f = layerFiles.get(i).asText();
                String blob = blobDigestOfPath(f); // Docker 25+ names layer files by their digest
                layers.add(new PlannedLayer(f, Digests.check(c.diffIds().get(i), source + ": a diffID"), blob, null));
            }
            List<ImageRef> tags = new ArrayList<>();
            for (JsonNode t : entry.path("RepoTags")) {
                ImageRef r = ImageRef.tryParse(t.asText());
                if (r == null) throw new UserError(source + ": manifest.json: '" + t.asText() + "' is not NAME:TAG");
                tags.add(r);
            }
            out.add(new PlannedImage(config, null, layers, tags));
        }
        return out;
    }

    private static JsonNode dockerManifest(ArchiveEntries archive, String source) throws IOException {
        JsonNode list;
        try {
            list = OciJson.mapper().readTree(archive.read("manifest.json"));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UserError(source + ": manifest.json is not valid JSON", e);
        }
        if (list == null || !list.isArray()) throw new UserError(source + ": manifest.json is not a list of images");
        return list;
    }

    /** Docker 25+ archives name tags only in manifest.json: config digest to RepoTags. */
    private static Map<String, List<String>> dockerTagsByConfig(ArchiveEntries archive, String source) throws IOException {
        Map<String, List<String>> out = new HashMap<>();
        for (JsonNode entry : dockerManifest(archive, source)) {
            String config = blobDigestOfPath(entry.path("Config").asText(""));
            if (config == null) continue;
            List<String> tags = new ArrayList<>();
            entry.path("RepoTags").forEach(t -> tags.add(t.asText()));
            out.put(config, tags);
        }
        return out;
    }

    private static String blobPath(String digest) {
        return "blobs/sha256/" + Digests.hex(digest);
    }

    /** {@code sha256:HEX} for a path {@code blobs/sha256/HEX}, else null. */
    private static String blobDigestOfPath(String path) {
        String n = ArchiveEntries.normalize(path);
        if (!n.startsWith("blobs/sha256/")) return null;
        String d = Digests.SHA256 + n.substring("blobs/sha256/".length());
        return Digests.isDigest(d) ? d : null;
    }

    /** A JSON blob of the archive, checked against its digest. */
    private static byte[] blob(ArchiveEntries archive, String source, String digest, String what) throws IOException {
        Digests.check(digest, source + ": a " + what + " digest");
        String path = blobPath(digest);
        if (!archive.has(path)) throw new UserError(source + ": the " + what + " " + digest + " is not in the archive");
        byte[] b = archive.read(path);
        String actual = Digests.sha256(b);
        if (!actual.equals(digest)) throw new UserError(source + ": " + path + ": its digest is " + actual + ", not " + digest);
        return b;
    }

    // ---- importing: stage every layer, then publish all -----------------------------------------

    private List<Loaded> importAll(ArchiveEntries archive, List<PlannedImage> plan, String source) throws IOException {
        List<Store.StagedLayer> staged = new ArrayList<>();
        Map<String, Store.StagedLayer> stagedByChain = new HashMap<>();
        List<List<LayerBlob>> blobsOfImages = new ArrayList<>();
        int total = plan.stream().mapToInt(p -> p.layers().size()).sum();
        int done = 0;
        try {
            for (PlannedImage p : plan) {
                List<LayerBlob> blobs = new ArrayList<>();
                Store.Parent parent = null;
                String chain = null;
                for (PlannedLayer l : p.layers()) {
                    done++;
                    chain = Digests.chainId(chain, l.diffId());
                    Store.StagedLayer s = stagedByChain.get(chain);
                    if (s == null && store.hasLayer(chain)) {
                        LayerBlob have = presentBlob(archive, l, store.layer(chain));
                        if (have != null) {
                            LayerInfo info = store.layer(chain);
                            parent = new Store.Parent(info, store.layerDir(info));
                            blobs.add(have);
                            continue;
                        }
                    }
                    if (s == null) {
                        if (!archive.has(l.file())) {
                            throw new UserError(source + ": layer " + l.diffId() + " (" + l.file() + ") is not in the archive"
                                    + " and not in the store");
                        }
                        LongConsumer progress = listener == null ? null
                                : listener.layer(done, total, Digests.shortId(l.blobDigest() != null ? l.blobDigest() : l.diffId()),
                                        archive.size(l.file()));
                        s = store.stageLayer(archive.open(l.file()), source + ": " + l.file(), parent,
                                new Store.Expect(l.diffId(), l.blobDigest(), l.mediaType()), null, progress);
                        staged.add(s);
                        stagedByChain.put(chain, s);
                    }
                    parent = s.asParent();
                    blobs.add(s.info().blob());
                }
                blobsOfImages.add(blobs);
            }
            return store.locked(() -> { // no rmi between the layers and the images naming them
                store.publish(staged);
                List<Loaded> out = new ArrayList<>();
                for (int i = 0; i < plan.size(); i++) {
                    PlannedImage p = plan.get(i);
                    Image image = p.manifest() != null ? store.images().add(p.config(), p.manifest(), p.tags())
                            : store.images().add(p.config(), blobsOfImages.get(i), p.tags());
                    out.add(new Loaded(image, p.tags().stream().map(ImageRef::toString).toList()));
                }
                return out;
            });
        } finally {
            staged.forEach(Store.StagedLayer::close);
        }
    }

    /**
     * The blob to name for a layer the store has, if the store also has the blob the archive
     * names (then the archive's copy is not read); null if the layer must be read after all.
     */
    private LayerBlob presentBlob(ArchiveEntries archive, PlannedLayer l, LayerInfo stored) throws IOException {
        if (l.blobDigest() != null) {
            if (!store.blobs().has(l.blobDigest())) return null;
            long size = store.blobs().size(l.blobDigest());
            String type = l.mediaType() != null ? l.mediaType()
                    : stored.blob() != null && stored.blob().digest().equals(l.blobDigest()) ? stored.blob().mediaType()
                    : MediaTypes.OCI_LAYER;
            return new LayerBlob(l.blobDigest(), size, type);
        }
        if (!archive.has(l.file())) return stored.blob();
        // A classic docker-archive names layers by path: the blob's digest is known only by reading it.
        try (DigestingInputStream d = new DigestingInputStream(archive.open(l.file()), null)) {
            d.drain();
            if (stored.blob() != null && stored.blob().digest().equals(d.digest())) return stored.blob();
        }
        return null;
    }

}
