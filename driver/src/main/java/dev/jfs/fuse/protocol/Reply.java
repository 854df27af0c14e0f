package dev.jfs.fuse.protocol;

import dev.jfs.posix.NativeBuffer;
import jnr.ffi.Pointer;

/**
 * The answer being built to one request: struct fuse_out_header (len, error, unique: 16 bytes)
 * and the body after it. An operation either appends its body or sets an error; the session
 * fills in the header and writes it to the device. One per request thread, reused.
 */
public final class Reply {
    public static final int HEADER = 16;

    private final Pointer buf;
    /** The same memory, for fixed fields: no jnr call per field. */
    private final NativeBuffer fields;
    private final int capacity;
    private int end;
    private int error;
    private boolean none;

    public Reply(Pointer buf, int capacity) {
        this.buf = buf;
        this.fields = new NativeBuffer(buf);
        this.capacity = capacity;
    }

    public void reset() {
        end = HEADER;
        error = 0;
        none = false;
    }

    /** Answers with -errno and no body. */
    public void error(int errno) {
        error = -errno;
        end = HEADER;
    }

    /** The request is not to be answered (FORGET, INTERRUPT). */
    public void none() {
        none = true;
    }

    public boolean answered() {
        return !none;
    }

    public int error() {
        return error;
    }

    /** Room left for body bytes. */
    public int room() {
        return capacity - end;
    }

    public int bodyLength() {
        return end - HEADER;
    }

    public Reply u16(int v) {
        fields.putShort(end, (short) v);
        end += 2;
        return this;
    }

    public Reply u32(int v) {
        fields.putInt(end, v);
        end += 4;
        return this;
    }

    public Reply u64(long v) {
        fields.putLong(end, v);
        end += 8;
        return this;
    }

    public Reply zeros(int n) {
        buf.setMemory(end, n, (byte) 0);
        end += n;
        return this;
    }

    public Reply bytes(byte[] b, int off, int n) {
        buf.put(end, b, off, n);
        end += n;
        return this;
    }

    /** Pads the body with zeros to a multiple of 8 bytes (dirents). */
    public Reply align8() {
        return zeros((8 - (end & 7)) & 7);
    }

    /** Where the next {@code size} bytes of body go, for data read straight into it; then {@link #advance}. */
    public Pointer tail(int size) {
        return buf.slice(end, size);
    }

    public void advance(int n) {
        end += n;
    }

    /** The body length so far, to come back to (a dirent that did not fit). */
    public int mark() {
        return end;
    }

    public void rewind(int mark) {
        end = mark;
    }

    /** Writes the header; returns the whole answer's length. */
    public int seal(long unique) {
        fields.putInt(0, end);
        fields.putInt(4, error);
        fields.putLong(8, unique);
        return end;
    }

    public Pointer buffer() {
        return buf;
    }
}
