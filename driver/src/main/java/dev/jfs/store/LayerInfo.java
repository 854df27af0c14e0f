package dev.jfs.store;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A layer's metadata, as stored in {@code layers/<hex>/layer.json}.
 *
 * @param id      the layer's id: its ChainID ({@code sha256:<hex>})
 * @param diffId  {@code sha256:} of the layer's uncompressed tar (the OCI diffID)
 * @param chainId the OCI ChainID: the diffID for a base layer, else
 *                {@code sha256(parent ChainID + " " + diffID)}; equal to {@code id}
 * @param parent  the parent layer's id, or null for a base layer
 * @param size    bytes of the uncompressed tar
 * @param created when it was stored, ISO-8601 UTC
 * @param dir     the extracted files, relative to the layer's own directory in the store
 *                ({@code diff}); {@link Store#layerDir} gives the absolute path
 * @param comment what {@code jfs commit -m} said when it made the layer, or null
 * @param blob    the blob it was imported or committed from, kept in the store; null for a layer
 *                stored before jfs kept blobs
 */
public record LayerInfo(String id, String diffId, String chainId, String parent, long size, String created,
                        String dir, @JsonInclude(JsonInclude.Include.NON_NULL) String comment,
                        @JsonInclude(JsonInclude.Include.NON_NULL) LayerBlob blob) {
    public static final String DIFF_DIR = "diff";


    /** The id without {@code sha256:}: the name of its directory in the store. */
    public String hex() {
        return Ids.hex(id);
    }
}
