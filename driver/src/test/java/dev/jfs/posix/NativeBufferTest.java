package dev.jfs.posix;

import static org.junit.jupiter.api.Assertions.*;

import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import org.junit.jupiter.api.Test;

/** Fields read and written by offset, as jnr's Pointer reads them, and never past the block. */
class NativeBufferTest {
    final Pointer memory = Memory.allocateDirect(Runtime.getSystemRuntime(), 32, true);
    final NativeBuffer buf = new NativeBuffer(memory);

    @Test
    void readsWhatJnrWroteAndWritesWhatJnrReads() {
        memory.putInt(4, 0x12345678);
        memory.putLong(8, -2L);
        assertEquals(0x12345678, buf.getInt(4));
        assertEquals(-2L, buf.getLong(8));
        buf.putShort(16, (short) 0x7abc);
        buf.putInt(20, -7);
        buf.putLong(24, Long.MAX_VALUE);
        assertEquals((short) 0x7abc, memory.getShort(16));
        assertEquals(-7, memory.getInt(20));
        assertEquals(Long.MAX_VALUE, memory.getLong(24));
    }

    @Test
    void findsAndCopiesBytes() {
        memory.put(0, new byte[] {'a', 'b', 0, 'c'}, 0, 4);
        assertEquals(2, buf.indexOf(0, (byte) 0, 4));
        assertEquals(-1, buf.indexOf(3, (byte) 0, 1));
        byte[] into = new byte[4];
        buf.get(0, into, 1, 2);
        assertArrayEquals(new byte[] {0, 'a', 'b', 0}, into);
    }

    @Test
    void nothingPastTheBlockIsReadOrWritten() {
        assertThrows(IndexOutOfBoundsException.class, () -> buf.getInt(29));
        assertThrows(IndexOutOfBoundsException.class, () -> buf.getLong(-1));
        assertThrows(IndexOutOfBoundsException.class, () -> buf.putLong(25, 1));
        assertThrows(IndexOutOfBoundsException.class, () -> buf.indexOf(30, (byte) 0, 3));
        assertThrows(IndexOutOfBoundsException.class, () -> buf.get(28, new byte[8], 0, 8));
        assertThrows(IndexOutOfBoundsException.class, () -> buf.get(0, new byte[2], 1, 2));
        assertDoesNotThrow(() -> buf.getLong(24));
    }

    @Test
    void refusesMemoryOfUnknownSize() {
        Pointer heap = Memory.allocate(Runtime.getSystemRuntime(), 8);
        assertThrows(IllegalArgumentException.class, () -> new NativeBuffer(heap));
    }
}
