package dev.jfs.fuse.session;

/**
 * What INIT settled with the kernel: the protocol minor both speak, and whether opens may be
 * passed through to backing files, and whether requests come over io_uring once its queues are registered.
 */
public record Negotiated(int minor, boolean passthrough, boolean uring) {
    public Negotiated(int minor, boolean passthrough) {
        this(minor, passthrough, false);
    }
}
