package dev.jfs.transfer;

import dev.jfs.UserError;
import dev.jfs.archive.Compression;
import dev.jfs.archive.Decompress;
import dev.jfs.archive.DigestingInputStream;
import dev.jfs.archive.FixedTarWriter;
import dev.jfs.image.Descriptor;
import dev.jfs.image.Digests;
import dev.jfs.image.ImageRef;
import dev.jfs.image.Manifest;
import dev.jfs.image.MediaTypes;
import dev.jfs.image.OciJson;
import dev.jfs.store.Image;
import dev.jfs.store.Staging;
import dev.jfs.store.Store;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code jfs save}: images of the store as one tar, an OCI image layout and/or a docker-archive
 * ({@link ArchiveFormat}). Layer blobs go as the store keeps them (the bytes their digests name),
 * or recompressed if asked, which gives a new manifest (the config, so the id, stays). The bytes
 * are deterministic: fixed tar metadata, blobs sorted by digest, then {@code index.json},
 * {@code manifest.json}, {@code oci-layout}, {@code repositories}, JSON written canonically.
 */
public final class ImageSaver {
    private final Store store;
    private final ArchiveFormat format;
    private final Compression compression;
    private final Set<String> skipDiffIds = new HashSet<>();

    /**
     * @param compression null: layers as stored (a docker-only archive: uncompressed, as docker
     *                    writes it); else every layer in that compression
     * @param since       null, or an image whose layers are left out (the receiver has them)
     */
    public ImageSaver(Store store, ArchiveFormat format, Compression compression, String since) {
        this.store = store;
        this.format = format;
        this.compression = compression == null && format == ArchiveFormat.DOCKER ? Compression.NONE : compression;
        if (since != null) skipDiffIds.addAll(store.images().resolve(since).config().diffIds());
    }

    /** Writes the images {@code refs} name to {@code out} (not closed). */
    public void save(List<String> refs, WritableByteChannel out) throws IOException {
        try (Staging scratch = store.staging("save")) {
            Map<String, Path> blobs = new TreeMap<>();
            List<SavedImage> images = new ArrayList<>();
            for (SavedImage s : plan(refs, scratch.dir(), blobs)) images.add(s);
            FixedTarWriter tar = new FixedTarWriter(out);
            tar.directory("blobs/");
            tar.directory("blobs/sha256/");
            for (Map.Entry<String, Path> b : blobs.entrySet()) {
                tar.file("blobs/sha256/" + Digests.hex(b.getKey()), b.getValue());
            }
            if (format.oci()) tar.file("index.json", OciLayoutWriter.index(images));
            if (format.docker()) tar.file("manifest.json", DockerArchiveWriter.manifestJson(images));
            if (format.oci()) tar.file("oci-layout", OciLayoutWriter.layoutFile());
            if (format.docker()) tar.file("repositories", DockerArchiveWriter.repositories(images));
            tar.finish();
        }
    }

    /** The images to write and, into {@code blobs}, every blob to write with the file holding it. */
    private List<SavedImage> plan(List<String> refs, Path scratch, Map<String, Path> blobs) throws IOException {
        Map<String, SavedImage> byId = new LinkedHashMap<>();
        for (String ref : refs) {
            Image image = store.images().resolve(ref);
            ImageRef parsed = ImageRef.tryParse(ref);
            String tag = parsed != null && parsed.tag() != null && image.tags().contains(parsed.toString()) ? parsed.toString() : null;
            SavedImage known = byId.get(image.id());
            if (known != null) {
                if (tag != null && !known.tags().contains(tag)) known.tags().add(tag);
                continue;
            }
            image.top(); // fails on an image with layers removed
            List<String> tags = new ArrayList<>();
            if (tag != null) tags.add(tag);
            byId.put(image.id(), encode(image, tags, scratch, blobs));
        }
        return new ArrayList<>(byId.values());
    }

    private SavedImage encode(Image image, List<String> tags, Path scratch, Map<String, Path> blobs) throws IOException {
        Manifest m = image.manifest();
        List<Descriptor> layers = new ArrayList<>();
        boolean changed = false;
        for (int i = 0; i < m.layers.size(); i++) {
            Descriptor d = m.layers.get(i);
            Descriptor out = compression == null || compressionOf(d.mediaType) == compression ? d : recode(d, scratch);
            changed |= out != d;
            layers.add(out);
            if (!skipDiffIds.contains(image.config().diffIds().get(i))) {
                blobs.put(out.digest, out == d ? store.blobs().path(d.digest) : scratch.resolve(Digests.hex(out.digest)));
            }
        }
        blobs.put(image.id(), store.blobs().path(image.id()));
        byte[] manifest;
        String mediaType;
        if (changed) {
            Manifest n = Manifest.oci(new Descriptor(MediaTypes.OCI_CONFIG, image.id(), store.blobs().size(image.id())), layers);
            manifest = OciJson.write(n);
            mediaType = MediaTypes.OCI_MANIFEST;
            Path f = scratch.resolve(Digests.hex(Digests.sha256(manifest)));
            Files.write(f, manifest);
            blobs.put(Digests.sha256(manifest), f);
        } else {
            manifest = store.blobs().read(image.digest());
            mediaType = m.mediaType != null ? m.mediaType : MediaTypes.OCI_MANIFEST;
            blobs.put(image.digest(), store.blobs().path(image.digest()));
        }
        return new SavedImage(image, tags, manifest, Digests.sha256(manifest), mediaType, layers);
    }

    /** The layer blob in the compression asked for, written to {@code scratch/HEX}. */
    private Descriptor recode(Descriptor d, Path scratch) throws IOException {
        Path tmp = scratch.resolve("recode.tmp");
        try (InputStream in = Decompress.open(store.blobs().open(d.digest), "blob " + d.digest).stream();
             OutputStream out = compression.wrap(Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW))) {
            in.transferTo(out);
        }
        String digest;
        try (DigestingInputStream check = new DigestingInputStream(Files.newInputStream(tmp), null)) {
            check.drain();
            digest = check.digest();
        }
        Path dest = scratch.resolve(Digests.hex(digest));
        if (Files.exists(dest)) Files.delete(tmp);
        else Files.move(tmp, dest);
        String type = MediaTypes.ociLayer(compression.name().toLowerCase(java.util.Locale.ROOT));
        return new Descriptor(type, digest, Files.size(dest));
    }

    static Compression compressionOf(String mediaType) {
        if (mediaType == null) throw new UserError("a layer of the manifest has no media type");
        if (mediaType.endsWith("gzip")) return Compression.GZIP;
        if (mediaType.endsWith("zstd")) return Compression.ZSTD;
        return Compression.NONE;
    }
}
