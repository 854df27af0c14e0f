package dev.jfs.fuse.adapter;

import dev.jfs.fuse.adapter.NameRequests.Held;
import dev.jfs.fuse.protocol.Reply;
import dev.jfs.fuse.protocol.Request;
import dev.jfs.fuse.session.FuseDevice;
import dev.jfs.posix.FsException;
import dev.jfs.posix.Posix;
import dev.jfs.posix.Stat;
import dev.jfs.union.Caller;
import dev.jfs.union.UnionFs;
import java.util.List;
import jnr.ffi.Pointer;

/**
 * Requests on files: opening and creating, and the data requests, served between the request
 * buffer and the real file's descriptor with no copy through the Java heap.
 */
final class FileRequests {
    private static final int FOPEN_KEEP_CACHE = 1 << 1, FOPEN_NOFLUSH = 1 << 5, FOPEN_PASSTHROUGH = 1 << 7;
    /** Reads of upper files this large pass through to the kernel; small ones stay in the mount's page cache. */
    private static final long PASSTHROUGH_READS_FROM = 1 << 20;

    private final Mounted m;
    private final NameRequests names;
    private volatile PassthroughFiles passthrough = new PassthroughFiles(null, false);

    FileRequests(Mounted m, NameRequests names) {
        this.m = m;
        this.names = names;
    }

    /** After INIT: whether opens may pass through, and the device that registers their files. */
    void passthrough(boolean granted, FuseDevice device) {
        passthrough = new PassthroughFiles(new PassthroughFiles.Backings() {
            @Override
            public int register(int fd) {
                return device.backingOpen(fd);
            }

            @Override
            public void unregister(int backingId) {
                device.backingClose(backingId);
            }

            @Override
            public PassthroughFiles.Seen see(int fd) {
                Stat st = Posix.fstat(fd);
                return new PassthroughFiles.Seen(List.of(st.dev(), st.ino()), st.ctimeSec() * 1_000_000_000L + st.ctimeNsec());
            }
        }, granted);
    }

    void open(Request q, Reply r) {
        int flags = q.u32(0);
        boolean writes = (flags & Posix.O_ACCMODE) != Posix.O_RDONLY;
        try (Held h = names.shared()) {
            FsNode n = m.nodes.get(q.nodeId());
            UnionFs.Opened opened = m.union.openFile(m.nodes.path(n), flags);
            if (writes || (flags & Posix.O_TRUNC) != 0) m.followCopyUp(n);
            boolean candidate = opened.inUpper() && (writes || (flags & Posix.O_DIRECT) == 0
                    && Posix.fstat(opened.fd()).size() >= PASSTHROUGH_READS_FROM);
            opened(r, n, opened.fd(), writes, opened.inUpper(), candidate);
        }
    }

    void create(Request q, Reply r) {
        int flags = q.u32(0), mode = q.u32(4);
        try (Held h = names.shared()) {
            FsNode parent = m.nodes.get(q.nodeId());
            String name = q.name(16);
            String path = m.nodes.path(parent, name);
            UnionFs.Created created = m.union.create(path, mode, flags, new Caller(q.uid(), q.gid()));
            Stat st;
            try {
                st = created.stat() != null ? created.stat()
                        : created.made() ? m.union.madeFileStat(created.fd()) : m.union.getattr(path);
            } catch (RuntimeException e) {
                Posix.close(created.fd());
                throw e;
            }
            FsNode n = m.entry(r, parent, name, st);
            boolean writes = (flags & Posix.O_ACCMODE) != Posix.O_RDONLY;
            opened(r, n, created.fd(), writes, true, true);
        }
    }

    /** Registers the open file and appends struct fuse_open_out. */
    private void opened(Reply r, FsNode n, int fd, boolean writes, boolean inUpper, boolean candidate) {
        long fh = m.files.add(new OpenFile(fd, n, writes, inUpper));
        int backing = passthrough.opened(n, fd, candidate, writes);
        int flags = FOPEN_NOFLUSH | (backing > 0 ? FOPEN_PASSTHROUGH : backing == 0 ? FOPEN_KEEP_CACHE : 0);
        r.u64(fh).u32(flags).u32(backing > 0 ? backing : 0);
    }

    void read(Request q, Reply r) {
        OpenFile f = m.files.get(q.u64(0));
        long offset = q.u64(8);
        int size = Math.min(q.u32(16), r.room());
        Pointer to = r.tail(size);
        int done = 0;
        while (done < size) {
            int wanted = size - done;
            int n = Posix.pread(f.fd, done == 0 ? to : to.slice(done), wanted, offset + done);
            done += n;
            // Short: the end of the file (a regular file's pread stops short nowhere else), so
            // not asked again: that was a second system call for each small file read.
            if (n < wanted) break;
        }
        r.advance(done);
    }

    void write(Request q, Reply r) {
        OpenFile f = m.files.get(q.u64(0));
        long offset = q.u64(8);
        int size = q.u32(16);
        Pointer from = q.slice(40, size);
        int done = 0;
        try {
            while (done < size) done += Posix.pwrite(f.fd, done == 0 ? from : from.slice(done), size - done, offset + done);
        } catch (FsException e) {
            if (done == 0) throw e; // else as write(2): what was written counts, the error comes next time
        }
        r.u32(done).u32(0);
    }

    void release(Request q) {
        OpenFile f = m.files.remove(q.u64(0));
        try {
            if (passthrough.released(f.node, f.fd, f.writable)) m.attributesChanged(f.node);
        } finally {
            Posix.close(f.fd);
        }
    }

    void fsync(Request q) {
        Posix.fsync(m.files.get(q.u64(0)).fd, (q.u32(8) & 1) != 0);
    }

    void fallocate(Request q) {
        OpenFile f = m.files.get(q.u64(0));
        Posix.fallocate(f.fd, q.u32(24), q.u64(8), q.u64(16));
    }

    void lseek(Request q, Reply r) {
        OpenFile f = m.files.get(q.u64(0));
        r.u64(Posix.lseek(f.fd, q.u64(8), q.u32(16)));
    }

    void copyFileRange(Request q, Reply r) {
        OpenFile in = m.files.get(q.u64(0)), out = m.files.get(q.u64(24));
        long len = Math.min(q.u64(40), Integer.MAX_VALUE & ~4095L);
        long n = Posix.copyFileRange(in.fd, q.u64(8), out.fd, q.u64(32), len);
        r.u32((int) n).u32(0);
    }
}
