package dev.jfs.fuse.protocol;

import dev.jfs.posix.Errno;
import dev.jfs.posix.FsException;
import dev.jfs.posix.NativeBuffer;
import dev.jfs.posix.Names;
import jnr.ffi.Pointer;

/**
 * One request as read from {@code /dev/fuse}: struct fuse_in_header (40 bytes: len, opcode,
 * unique, nodeid, uid, gid, pid) and the opcode's body after it. Fields of the body are read by
 * offset from the body's start; a body shorter than a read needs is refused with EINVAL, never
 * read past.
 */
public final class Request {
    public static final int HEADER = 40;

    private final Pointer buf;
    /** The same memory, for the header and fixed fields: no jnr call per field. */
    private final NativeBuffer fields;
    private int length;

    public Request(Pointer buf) {
        this.buf = buf;
        this.fields = new NativeBuffer(buf);
    }

    /** A new request of {@code length} bytes is in the buffer. */
    public void received(int length) {
        this.length = length;
    }

    public boolean complete() {
        return length >= HEADER && fields.getInt(0) == length;
    }

    public int opcode() { return fields.getInt(4); }
    public long unique() { return fields.getLong(8); }
    public long nodeId() { return fields.getLong(16); }
    public int uid() { return fields.getInt(24); }
    public int gid() { return fields.getInt(28); }
    public int pid() { return fields.getInt(32); }

    /** Bytes of body after the header. */
    public int bodyLength() {
        return length - HEADER;
    }

    public int u32(int at) {
        need(at + 4);
        return fields.getInt(HEADER + at);
    }

    public long u64(int at) {
        need(at + 8);
        return fields.getLong(HEADER + at);
    }

    /** The body from {@code at} on, e.g. the data of a WRITE. */
    public Pointer slice(int at, int size) {
        need(at + size);
        return buf.slice(HEADER + at, size);
    }

    public byte[] bytes(int at, int size) {
        need(at + size);
        byte[] b = new byte[size];
        buf.get(HEADER + at, b, 0, size);
        return b;
    }

    /** Length of the NUL-terminated string at {@code at}, without its NUL. */
    public int stringLength(int at) {
        need(at + 1);
        // read in place, not a jnr call per byte (nor a native memchr per name: names are short)
        int n = fields.indexOf(HEADER + at, (byte) 0, bodyLength() - at);
        if (n < 0) throw new FsException(Errno.EINVAL, "unterminated name in " + Opcode.name(opcode()));
        return n;
    }

    /** The NUL-terminated name at {@code at}, its bytes kept exactly (see {@link Names}). */
    public String name(int at) {
        int n = stringLength(at);
        byte[] b = new byte[n];
        fields.get(HEADER + at, b, 0, n);
        return Names.decode(b, 0, n);
    }

    /** The NUL-terminated name after the one at {@code at}. */
    public int after(int at) {
        return at + stringLength(at) + 1;
    }

    private void need(int end) {
        if (end > bodyLength() || end < 0) {
            throw new FsException(Errno.EINVAL, Opcode.name(opcode()) + ": request too short (" + length + " bytes)");
        }
    }
}
