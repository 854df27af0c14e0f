package dev.jfs.store;

import dev.jfs.UserError;
import dev.jfs.image.Digests;
import dev.jfs.image.ImageConfig;
import dev.jfs.image.Manifest;
import java.util.List;

/**
 * An image of the store.
 *
 * @param id       {@code sha256:} of its config's bytes, as docker's image id
 * @param digest   {@code sha256:} of its manifest's bytes
 * @param config   its config (the bytes are the blob {@code id})
 * @param manifest its manifest (the bytes are the blob {@code digest})
 * @param tags     the {@code NAME:TAG}s naming it, sorted
 * @param layers   its layers in the store, bottom first; shorter than the config's diffIDs only if
 *                 some were removed with --force ({@link #complete})
 * @param created  when it was added to this store, ISO-8601 UTC
 */
public record Image(String id, String digest, ImageConfig config, Manifest manifest, List<String> tags,
                    List<LayerInfo> layers, String created) {
    /** Whether every layer the config names is in the store. */
    public boolean complete() {
        return layers.size() == config.diffIds().size();
    }

    /** The layer a container of this image stacks on, or null for an image without layers. */
    public LayerInfo top() {
        if (!complete()) {
            throw new UserError("image " + shortId() + ": " + (config.diffIds().size() - layers.size())
                    + " of its layers are missing from the store (removed with --force?)");
        }
        return layers.isEmpty() ? null : layers.get(layers.size() - 1);
    }

    /** The first 12 hex digits of the id. */
    public String shortId() {
        return Digests.shortId(id);
    }

    /** The uncompressed size of its layers. */
    public long size() {
        return layers.stream().mapToLong(LayerInfo::size).sum();
    }
}
