package dev.jfs.archive;

import dev.jfs.changes.EntryXattrs;
import dev.jfs.posix.FsException;
import dev.jfs.posix.Posix;
import dev.jfs.posix.Stat;
import dev.jfs.union.Node;
import dev.jfs.union.UnionView;
import java.io.IOException;
import java.util.Map;

/**
 * A regular file small enough to hold in memory, read whole for its tar entry: its xattrs and
 * its {@code st.size()} bytes. Both come through one descriptor, so the xattr calls cost no
 * second walk of the path (on a deep tree, llistxattr by path costs as much as the open).
 *
 * <p>Whenever that way fails (open refused, the file gone or shorter than stat said, an xattr
 * call refused), the file is read again the way {@link LayerTar} streams a big one: xattrs by
 * path, data through a descriptor of its own. That way throws the errors a streamed file's
 * entry throws, with the same messages, or succeeds if the failure was a passing one.
 */
record SmallFile(Stat stat, Map<String, byte[]> xattrs, byte[] data) {
    /** Files up to this size are read whole; bigger ones are streamed. */
    static final long MAX_SIZE = 1 << 20;

    /**
     * A file named, not looked up ({@link dev.jfs.changes.Change#named}), at {@code realPath}:
     * its stat comes from the open descriptor. Null, with nothing read, if it is not a regular
     * file of one name and at most {@code maxSize} bytes, or if anything fails: the caller then
     * looks it up and takes the usual way, which reports failures as commit always did.
     */
    static SmallFile readNamed(String realPath, long maxSize) {
        int fd;
        try {
            // O_NONBLOCK: if a FIFO took the file's place since the listing, the open must not wait for a writer.
            fd = Posix.open(realPath, Posix.O_RDONLY | Posix.O_NOFOLLOW | Posix.O_NONBLOCK, 0);
        } catch (FsException e) {
            return null;
        }
        try {
            Stat st = Posix.fstat(fd);
            if (st.type() != Stat.S_IFREG || st.size() > maxSize || st.nlink() > 1) return null;
            byte[] data = new byte[(int) st.size()];
            Map<String, byte[]> xattrs = EntryXattrs.ofOpenFile(fd);
            return Posix.readFully(fd, data) == data.length ? new SmallFile(st, xattrs, data) : null;
        } catch (FsException e) {
            return null;
        } finally {
            Posix.libc().close(fd);
        }
    }

    static SmallFile read(UnionView view, Node n) throws IOException {
        byte[] data = new byte[(int) n.stat().size()];
        int fd;
        try {
            fd = Posix.open(n.realPath(), Posix.O_RDONLY | Posix.O_NOFOLLOW, 0);
        } catch (FsException e) {
            return readByPath(view, n, data);
        }
        try {
            Map<String, byte[]> xattrs = EntryXattrs.ofOpenFile(fd);
            if (Posix.readFully(fd, data) == data.length) return new SmallFile(n.stat(), xattrs, data);
        } catch (FsException e) {
            // read again by path below, which reports the failure as commit always did
        } finally {
            Posix.libc().close(fd);
        }
        return readByPath(view, n, data);
    }

    /** The old way: xattrs by path, then the data through a descriptor of its own. */
    private static SmallFile readByPath(UnionView view, Node n, byte[] data) {
        Map<String, byte[]> xattrs = EntryXattrs.of(view, n);
        int fd = Posix.open(n.realPath(), Posix.O_RDONLY | Posix.O_NOFOLLOW, 0);
        try {
            if (Posix.readFully(fd, data) < data.length) throw LayerTar.shrank(n.path());
        } finally {
            Posix.libc().close(fd);
        }
        return new SmallFile(n.stat(), xattrs, data);
    }
}
