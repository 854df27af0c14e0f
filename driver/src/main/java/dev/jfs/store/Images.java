package dev.jfs.store;

import dev.jfs.UserError;
import dev.jfs.image.ConfigChanges;
import dev.jfs.image.Descriptor;
import dev.jfs.image.Digests;
import dev.jfs.image.History;
import dev.jfs.image.ImageConfig;
import dev.jfs.image.ImageRef;
import dev.jfs.image.Manifest;
import dev.jfs.image.MediaTypes;
import dev.jfs.image.OciJson;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.LongConsumer;

/**
 * The images of a store (SPEC 8): an image is a config and a manifest, both blobs, naming layers
 * the store shares with every other image. {@code images/HEX.json} records that an image is in
 * the store (HEX is its id) and which manifest it has; {@code tags.json} maps {@code NAME:TAG} to
 * an image id. Every change happens under the store lock, and each file is replaced atomically:
 * blobs and layers first, then the image record, then the tags, so a process killed at any point
 * leaves at worst blobs or layers that no image names (never an image naming what is missing).
 */
public final class Images {
    /** The image config a container was made from, in its directory. */
    static final String CONTAINER_CONFIG = "config.json";
    private static final String TAGS = "tags.json";

    private final Store store;
    private final Path dir;

    /** What {@code images/HEX.json} holds. */
    record ImageRecord(String id, String manifest, String created) {}

    Images(Store store, Path dir) {
        this.store = store;
        this.dir = dir;
    }

    Path dir() {
        return dir;
    }

    // ---- reading -------------------------------------------------------------------------------

    /**
     * The image a user's reference names: {@code NAME[:TAG]} (tag latest), {@code NAME@sha256:...}
     * (its manifest digest), or a unique prefix of an image id. Unknown: "no such image: REF".
     */
    public Image resolve(String ref) {
        Image found = find(ref);
        if (found == null) throw new UserError("no such image: " + ref);
        return found;
    }

    /** As {@link #resolve}, or null if no image has that name. */
    public Image find(String ref) {
        ImageRef parsed = ImageRef.tryParse(ref);
        Map<String, String> tags = tags();
        if (parsed != null && parsed.digest() != null) {
            for (ImageRecord r : records()) if (r.manifest().equals(parsed.digest())) return load(r, tags);
            return null;
        }
        if (parsed != null && tags.containsKey(parsed.toString())) return byId(tags.get(parsed.toString()), tags);
        String prefix = Digests.prefixOf(ref);
        if (!prefix.matches("[0-9a-f]{1,64}")) return null;
        List<ImageRecord> hits = records().stream().filter(r -> Digests.hex(r.id()).startsWith(prefix)).toList();
        if (hits.size() > 1) throw new UserError("image " + ref + ": ambiguous, " + hits.size() + " images start with it");
        return hits.isEmpty() ? null : load(hits.get(0), tags);
    }

    /** Every image, newest first. */
    public List<Image> list() {
        Map<String, String> tags = tags();
        List<Image> out = new ArrayList<>();
        for (ImageRecord r : records()) out.add(load(r, tags));
        out.sort(Comparator.comparing(Image::created).reversed().thenComparing(Image::id));
        return out;
    }

    /** The image config of a container: its image's, or for one made from a layer a config naming its layers. */
    public ImageConfig containerConfig(String container) {
        ContainerInfo c = store.container(container);
        Path f = store.containerDir(c.name()).resolve(CONTAINER_CONFIG);
        if (Files.exists(f)) {
            try {
                return OciJson.parse(Files.readAllBytes(f), ImageConfig.class, f.toString());
            } catch (IOException e) {
                throw new UserError("container " + container + ": unreadable " + f + " (" + e.getMessage() + ")", e);
            }
        }
        ImageConfig config = ImageConfig.forThisPlatform();
        if (c.layer() != null) {
            List<LayerInfo> chain = new ArrayList<>(store.chain(store.layer(c.layer())));
            Collections.reverse(chain);
            for (LayerInfo l : chain) config.diffIds().add(l.diffId());
        }
        return config;
    }

    // ---- adding --------------------------------------------------------------------------------

    /**
     * Adds an image made by jfs: the config is written canonically, and an OCI manifest names it
     * and {@code layers} (bottom first, one per diffID, blobs already in the store).
     */
    public Image add(ImageConfig config, List<LayerBlob> layers, List<ImageRef> tags) {
        return add(OciJson.write(config), layers, tags);
    }

    /** Adds an image of config bytes kept as given (its id stays) and an OCI manifest jfs writes for them. */
    public Image add(byte[] configBytes, List<LayerBlob> layers, List<ImageRef> tags) {
        List<Descriptor> ls = new ArrayList<>();
        for (LayerBlob b : layers) ls.add(new Descriptor(b.mediaType(), b.digest(), b.size()));
        Manifest m = Manifest.oci(new Descriptor(MediaTypes.OCI_CONFIG, Digests.sha256(configBytes), configBytes.length), ls);
        return add(configBytes, OciJson.write(m), tags);
    }

    /**
     * Adds an image given as the exact bytes of its config and manifest (load and pull keep them,
     * so its id and digest stay what they were). The manifest's layer blobs and the config's
     * layers must be in the store already. Tags move to it from any image they named before.
     */
    public Image add(byte[] configBytes, byte[] manifestBytes, List<ImageRef> tags) {
        String id = Digests.sha256(configBytes);
        String digest = Digests.sha256(manifestBytes);
        ImageConfig config = OciJson.parse(configBytes, ImageConfig.class, "image config " + id);
        Manifest manifest = OciJson.parse(manifestBytes, Manifest.class, "manifest " + digest);
        if (manifest.config == null || !id.equals(manifest.config.digest)) {
            throw new UserError("manifest " + digest + ": it names config " + (manifest.config == null ? "none"
                    : manifest.config.digest) + ", not " + id);
        }
        if (manifest.layers.size() != config.diffIds().size()) {
            throw new UserError("image " + Digests.shortId(id) + ": its manifest names " + manifest.layers.size()
                    + " layers, its config " + config.diffIds().size());
        }
        try (StoreLock.Held h = store.lock().acquire()) {
            for (Descriptor d : manifest.layers) {
                if (!store.blobs().has(d.digest)) throw new UserError("image " + Digests.shortId(id) + ": layer blob " + d.digest + " is not in the store");
            }
            String chain = null;
            for (String diffId : config.diffIds()) {
                chain = Ids.chainId(chain, Digests.check(diffId, "image config " + id + ": diff_id"));
                if (!store.hasLayer(chain)) throw new UserError("image " + Digests.shortId(id) + ": layer " + diffId + " is not in the store");
            }
            store.blobs().put(configBytes);
            store.blobs().put(manifestBytes);
            Path record = recordFile(id);
            if (!Files.exists(record)) StoreFiles.writeJson(record, new ImageRecord(id, digest, now()));
            if (!tags.isEmpty()) {
                Map<String, String> all = tags();
                for (ImageRef t : tags) all.put(tagKey(t), id);
                writeTags(all);
            }
            return resolve(id);
        } catch (IOException e) {
            throw new UserError("store " + store.root() + ": cannot add image " + id + " (" + e.getMessage() + ")", e);
        }
    }

    /** {@code jfs tag IMAGE NAME[:TAG]}. */
    public Image tag(String imageRef, String newRef) {
        ImageRef t = ImageRef.parse(newRef);
        try (StoreLock.Held h = store.lock().acquire()) {
            Image image = resolve(imageRef);
            Map<String, String> all = tags();
            all.put(tagKey(t), image.id());
            writeTags(all);
            return resolve(image.id());
        } catch (IOException e) {
            throw new UserError("store " + store.root() + ": cannot write " + TAGS + " (" + e.getMessage() + ")", e);
        }
    }

    /**
     * {@code jfs import}: a flat rootfs tarball (tar, tar.gz, tar.zst) as a one-layer image, its
     * blob kept as given; {@code changes} are {@code -c} instructions.
     */
    public Image importRootfs(InputStream in, String source, ImageRef tag, List<String> changes, String message,
                              LongConsumer progress) {
        for (String c : changes) ConfigChanges.apply(new dev.jfs.image.ContainerConfig(), c); // bad -c fails first
        try (Store.StagedLayer staged = store.stageLayer(in, source, null, Store.Expect.NOTHING, null, progress);
             StoreLock.Held h = store.lock().acquire()) { // no rmi between the layer and the image naming it
            LayerInfo layer = store.publish(List.of(staged)).get(0);
            LayerBlob blob = staged.info().blob(); // this import's blob, published with it, whatever the layer had
            return importedImage(layer, blob, source, tag, changes, message);
        }
    }

    private Image importedImage(LayerInfo layer, LayerBlob blob, String source, ImageRef tag, List<String> changes,
                                String message) {
        ImageConfig config = ImageConfig.forThisPlatform();
        config.created = now();
        config.diffIds().add(layer.diffId());
        ConfigChanges.apply(config.runConfig(), changes);
        History h = new History(config.created, "jfs import" + changeWords(changes),
                message != null ? message : "Imported from " + source, false);
        config.historyList().add(h);
        return add(config, List.of(blob), tag == null ? List.of() : List.of(tag));
    }

    /**
     * {@code jfs commit CONTAINER [NAME[:TAG]]}: the container's changes as a new layer on its
     * image, the image's config with the new diffID, one history entry ({@code comment} is the
     * message) and the {@code -c} changes applied.
     */
    public Image commit(String container, Store.LayerWriter writer, String message, List<String> changes,
                        ImageRef tag) {
        ImageConfig config = containerConfig(container);
        for (String c : changes) ConfigChanges.apply(new dev.jfs.image.ContainerConfig(), c); // bad -c fails first
        Store.Imported stored = store.commit(container, writer, message);
        List<LayerInfo> chain = new ArrayList<>(store.chain(stored.layer()));
        Collections.reverse(chain);
        List<LayerBlob> blobs = new ArrayList<>();
        List<String> diffIds = new ArrayList<>();
        for (LayerInfo l : chain) {
            blobs.add(blobOf(l, l.blob()));
            diffIds.add(l.diffId());
        }
        padHistory(config, diffIds.size() - 1);
        config.rootfs = new ImageConfig.RootFs();
        config.diffIds().addAll(diffIds);
        config.created = now();
        ConfigChanges.apply(config.runConfig(), changes);
        config.historyList().add(new History(config.created, "jfs commit" + changeWords(changes), message, false));
        return add(config, blobs, tag == null ? List.of() : List.of(tag));
    }

    /** A container of an image: {@code jfs create IMAGE}; its config is kept beside it. */
    public ContainerInfo createContainer(String name, String imageRef) {
        try (StoreLock.Held h = store.lock().acquire()) {
            Image image = resolve(imageRef);
            return store.createContainer(name, image.top(), image.id(), store.blobs().read(image.id()));
        }
    }

    // ---- removing ------------------------------------------------------------------------------

    /**
     * {@code jfs rmi}: a tag when the image has other tags, else the image, with its layers and
     * blobs that nothing else uses. Refused while a container uses the image, or (by id) while
     * several tags name it, unless {@code force}. Returns docker's lines: "Untagged: NAME:TAG",
     * "Deleted: sha256:...".
     */
    public List<String> remove(String ref, boolean force) {
        List<String> out = new ArrayList<>();
        List<Staging> trash = new ArrayList<>();
        try (StoreLock.Held h = store.lock().acquire()) {
            Image image = resolve(ref);
            Map<String, String> tags = tags();
            ImageRef parsed = ImageRef.tryParse(ref);
            boolean byTag = parsed != null && parsed.tag() != null && tags.containsKey(parsed.toString());
            List<String> users = store.containers().stream().filter(c -> image.id().equals(c.image()))
                    .map(ContainerInfo::name).toList();
            if (byTag && image.tags().size() > 1) {
                tags.remove(parsed.toString());
                writeTags(tags);
                return List.of("Untagged: " + parsed);
            }
            if (!byTag && image.tags().size() > 1 && !force) {
                throw new UserError("image " + image.shortId() + " is tagged " + String.join(", ", image.tags())
                        + ": remove those tags, or use --force");
            }
            if (!users.isEmpty() && !force) {
                throw new UserError("image " + (byTag ? parsed : image.shortId()) + " is used by container "
                        + String.join(", ", users) + " (remove them first, or use --force)");
            }
            for (String t : image.tags()) {
                tags.remove(t);
                out.add("Untagged: " + t);
            }
            writeTags(tags);
            if (!users.isEmpty()) return out; // forced while in use: untagged, the image stays for its containers
            Files.delete(recordFile(image.id()));
            StoreFiles.fsyncDir(dir);
            out.add("Deleted: " + image.id());
            trash.addAll(collectGarbage(image));
        } catch (IOException e) {
            throw new UserError("store " + store.root() + ": cannot remove image " + ref + " (" + e.getMessage() + ")", e);
        } finally {
            trash.forEach(Staging::close); // the deletions themselves run outside the lock
        }
        return out;
    }

    /** Removes the layers and blobs of a removed image that nothing else uses. Store lock held. */
    private List<Staging> collectGarbage(Image removed) throws IOException {
        Set<String> keepLayers = new HashSet<>();
        Set<String> keepBlobs = new HashSet<>();
        Map<String, String> noTags = Map.of();
        for (ImageRecord r : records()) {
            Image other = load(r, noTags);
            other.layers().forEach(l -> keepLayers.add(l.id()));
            keepBlobs.add(other.id());
            keepBlobs.add(other.digest());
            other.manifest().layers.forEach(d -> keepBlobs.add(d.digest));
        }
        for (ContainerInfo c : store.containers()) {
            if (c.layer() != null && store.hasLayer(c.layer())) store.chain(store.layer(c.layer())).forEach(l -> keepLayers.add(l.id()));
        }
        List<Staging> trash = new ArrayList<>();
        Set<String> gone = new LinkedHashSet<>();
        List<LayerInfo> topDown = new ArrayList<>(removed.layers());
        Collections.reverse(topDown);
        for (LayerInfo l : topDown) {
            if (keepLayers.contains(l.id())) break; // it and everything below it stay
            boolean hasOtherChild = store.users(l).childLayers().stream().anyMatch(c -> !gone.contains(c));
            if (hasOtherChild || !store.users(l).containers().isEmpty()) break;
            trash.add(store.trashLayer(l));
            gone.add(l.id());
        }
        for (LayerInfo l : store.layers()) if (l.blob() != null) keepBlobs.add(l.blob().digest());
        Set<String> candidates = new LinkedHashSet<>(List.of(removed.id(), removed.digest()));
        removed.manifest().layers.forEach(d -> candidates.add(d.digest));
        removed.layers().forEach(l -> {
            if (l.blob() != null) candidates.add(l.blob().digest());
        });
        for (String b : candidates) if (!keepBlobs.contains(b)) store.blobs().remove(b);
        return trash;
    }

    // ---- helpers -------------------------------------------------------------------------------

    private List<ImageRecord> records() {
        List<ImageRecord> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.json")) {
            for (Path p : ds) {
                String name = p.getFileName().toString();
                if (!Ids.isHex64(name.substring(0, name.length() - 5))) continue;
                out.add(StoreFiles.readJson(p, ImageRecord.class));
            }
        } catch (IOException e) {
            throw new UserError("store " + store.root() + ": cannot list images (" + e.getMessage() + ")", e);
        }
        return out;
    }

    private Image byId(String id, Map<String, String> tags) {
        Path f = recordFile(id);
        if (!Files.exists(f)) return null;
        try {
            return load(StoreFiles.readJson(f, ImageRecord.class), tags);
        } catch (IOException e) {
            throw new UserError("store: unreadable " + f + " (" + e.getMessage() + ")", e);
        }
    }

    private Image load(ImageRecord r, Map<String, String> tags) {
        ImageConfig config = OciJson.parse(store.blobs().read(r.id()), ImageConfig.class, "image config " + r.id());
        Manifest manifest = OciJson.parse(store.blobs().read(r.manifest()), Manifest.class, "manifest " + r.manifest());
        List<LayerInfo> layers = new ArrayList<>();
        String chain = null;
        for (String diffId : config.diffIds()) {
            chain = Ids.chainId(chain, diffId);
            if (!store.hasLayer(chain)) break;
            layers.add(store.layer(chain));
        }
        List<String> names = tags.entrySet().stream().filter(e -> e.getValue().equals(r.id())).map(Map.Entry::getKey)
                .sorted().toList();
        return new Image(r.id(), r.manifest(), config, manifest, names, layers, r.created());
    }

    private Path recordFile(String id) {
        return dir.resolve(Digests.hex(id) + ".json");
    }

    /** NAME:TAG to image id, sorted by name. */
    private Map<String, String> tags() {
        Path f = store.root().resolve(TAGS);
        if (!Files.exists(f)) return new TreeMap<>();
        try {
            Map<String, String> m = new TreeMap<>();
            StoreFiles.JSON.readTree(f.toFile()).fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().asText()));
            return m;
        } catch (IOException e) {
            throw new UserError("store: unreadable " + f + " (" + e.getMessage() + ")", e);
        }
    }

    private void writeTags(Map<String, String> tags) throws IOException {
        StoreFiles.writeJson(store.root().resolve(TAGS), new TreeMap<>(tags));
    }

    private static String tagKey(ImageRef t) {
        if (t.tag() == null) throw new UserError("tag " + t + ": a tag is NAME[:TAG], not a digest");
        return t.toString();
    }

    private static LayerBlob blobOf(LayerInfo l, LayerBlob b) {
        if (b == null) {
            throw new UserError("layer " + Store.short12(l.id()) + " has no blob in the store (imported before jfs"
                    + " kept blobs): import it again");
        }
        return b;
    }

    /** Gives a config whose history names fewer layers than it has an entry for each (docker expects one per layer). */
    private static void padHistory(ImageConfig config, int layers) {
        long named = config.historyList().stream().filter(h -> !h.isEmptyLayer()).count();
        for (long i = named; i < layers; i++) config.historyList().add(0, new History(null, "jfs layer import", null, false));
    }

    private static String changeWords(List<String> changes) {
        StringBuilder b = new StringBuilder();
        for (String c : changes) b.append(" -c '").append(c.replace("'", "'\\''")).append('\'');
        return b.toString();
    }

    private static String now() {
        return Instant.now().toString();
    }
}
