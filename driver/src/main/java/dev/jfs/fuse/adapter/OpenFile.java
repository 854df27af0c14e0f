package dev.jfs.fuse.adapter;

/**
 * A file the kernel opened: the descriptor of its real file (also its file handle), the node it
 * was opened on, and whether that file is the upper's. A read-only descriptor on a lower file is
 * moved to the upper copy once the file is copied up ({@link OpenFiles#moveUp}).
 */
final class OpenFile {
    final int fd;
    final FsNode node;
    final boolean writable;
    volatile boolean inUpper;

    OpenFile(int fd, FsNode node, boolean writable, boolean inUpper) {
        this.fd = fd;
        this.node = node;
        this.writable = writable;
        this.inUpper = inUpper;
    }
}
