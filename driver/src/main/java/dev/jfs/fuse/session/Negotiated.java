package dev.jfs.fuse.session;

/**
 * What INIT settled with the kernel: the protocol minor both speak, and whether opens may be
 * passed through to backing files.
 */
public record Negotiated(int minor, boolean passthrough) {}
