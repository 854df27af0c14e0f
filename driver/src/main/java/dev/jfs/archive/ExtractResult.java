package dev.jfs.archive;

/**
 * What an extraction found: the diffID ({@code sha256:<hex>} of the uncompressed tar), the size of
 * the uncompressed tar in bytes, the number of tar entries and the format the input came in.
 */
public record ExtractResult(String diffId, long size, long entries, Decompress.Format format) {}
