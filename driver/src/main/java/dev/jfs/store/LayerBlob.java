package dev.jfs.store;

/**
 * A layer's blob as the store keeps it in {@code blobs/sha256/}: the bytes exactly as imported or
 * committed (compressed or not), so that an image's manifest can name them and save/push serve
 * them with the digest the manifest gives.
 *
 * @param digest    {@code sha256:} of the blob
 * @param size      its bytes
 * @param mediaType its OCI layer media type (tar, tar+gzip or tar+zstd)
 */
public record LayerBlob(String digest, long size, String mediaType) {}
