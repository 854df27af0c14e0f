package dev.jfs.archive;

/**
 * What an extraction found: the diffID ({@code sha256:<hex>} of the uncompressed tar), the size of
 * the uncompressed tar in bytes, the number of tar entries, the format the input came in, and
 * whether the tar had an entry for the layer's root ({@code ./}), which sets the root's mode and
 * owner; without one, the root should keep its parent layer's.
 */
public record ExtractResult(String diffId, long size, long entries, Decompress.Format format, boolean hasRootEntry) {}
