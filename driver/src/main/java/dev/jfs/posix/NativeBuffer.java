package dev.jfs.posix;

import java.lang.reflect.Field;
import jnr.ffi.Pointer;

/**
 * Fixed-size fields of a block of native memory (a request, an answer, a struct stat), read and
 * written by offset. The daemon runs on C1, which does not inline jnr's accessors: each of a
 * jnr {@link Pointer}'s reads is four calls deep (bounds, then two memory layers), and a request
 * reads and writes dozens of fields. Here each is a bounds check and one access.
 */
public final class NativeBuffer {
    private static final sun.misc.Unsafe UNSAFE;

    static {
        try {
            Field f = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            UNSAFE = (sun.misc.Unsafe) f.get(null);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Held so that the memory lives as long as this view of it. */
    private final Pointer memory;
    private final long address;
    private final long size;

    /** A view of all of {@code memory}, which must be native (direct) memory of a known size. */
    public NativeBuffer(Pointer memory) {
        if (!memory.isDirect() || memory.size() <= 0 || memory.size() == Long.MAX_VALUE) {
            throw new IllegalArgumentException("not a native block of known size: " + memory);
        }
        this.memory = memory;
        this.address = memory.address();
        this.size = memory.size();
    }

    public Pointer pointer() {
        return memory;
    }

    public long size() {
        return size;
    }

    public int getInt(long offset) {
        return UNSAFE.getInt(at(offset, 4));
    }

    public long getLong(long offset) {
        return UNSAFE.getLong(at(offset, 8));
    }

    public void putShort(long offset, short value) {
        UNSAFE.putShort(at(offset, 2), value);
    }

    public void putInt(long offset, int value) {
        UNSAFE.putInt(at(offset, 4), value);
    }

    public void putLong(long offset, long value) {
        UNSAFE.putLong(at(offset, 8), value);
    }

    /**
     * Where the first {@code value} is among {@code length} bytes from {@code offset}, relative to
     * {@code offset}; -1 if none. A loop here: names are short, and a native memchr is a JNI call.
     */
    public int indexOf(long offset, byte value, int length) {
        long from = at(offset, Math.max(length, 0));
        for (int i = 0; i < length; i++) {
            if (UNSAFE.getByte(from + i) == value) return i;
        }
        return -1;
    }

    /** Copies {@code length} bytes from {@code offset} into {@code into} at {@code at}. */
    public void get(long offset, byte[] into, int at, int length) {
        java.util.Objects.checkFromIndexSize(at, length, into.length);
        long from = at(offset, length);
        for (int i = 0; i < length; i++) into[at + i] = UNSAFE.getByte(from + i);
    }

    /** The address of {@code length} bytes at {@code offset}; IndexOutOfBoundsException past the block. */
    private long at(long offset, int length) {
        // The message built elsewhere: C1 inlines only methods this small.
        if (offset < 0 || offset > size - length) throw outside(offset, length);
        return address + offset;
    }

    private IndexOutOfBoundsException outside(long offset, int length) {
        return new IndexOutOfBoundsException("offset " + offset + " + " + length + " in " + size + " bytes");
    }
}
