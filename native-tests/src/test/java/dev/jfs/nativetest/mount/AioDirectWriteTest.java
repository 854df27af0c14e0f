package dev.jfs.nativetest.mount;

import static dev.jfs.nativetest.CliProcess.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.jfs.posix.Posix;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicBoolean;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Memory;
import jnr.ffi.Platform;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * xfstests generic/451: an O_DIRECT write submitted with Linux AIO (io_submit), then a buffered
 * read of the file, while other threads keep reading it buffered. The read must see what was
 * written. The kernel's FUSE completes an asynchronous direct write without dropping the pages
 * buffered readers cached meanwhile (fs/fuse/file.c: fuse_direct_IO returns -EIOCBQUEUED,
 * fuse_aio_complete invalidates nothing), so jfs must not ask for asynchronous direct I/O
 * (FUSE_ASYNC_DIO): the kernel then waits for the write and drops those pages, as for
 * write(2). A race: before the fix it failed within seconds; the test runs 12 s.
 */
class AioDirectWriteTest {
    @TempDir Path tmp;
    Path mnt;

    /** The raw system calls of Linux AIO (no libaio needed). Public: jnr implements it in a loader of its own. */
    public interface Syscalls {
        long syscall(long number, long a, long b, long c, long d, long e);
    }

    private static final Syscalls LIBC = LibraryLoader.create(Syscalls.class).load("c");
    private static final boolean AARCH64 = Platform.getNativePlatform().getCPU() == Platform.CPU.AARCH64;
    private static final long IO_SETUP = AARCH64 ? 0 : 206, IO_DESTROY = AARCH64 ? 1 : 207,
            IO_SUBMIT = AARCH64 ? 2 : 209, IO_GETEVENTS = AARCH64 ? 4 : 208;
    private static final int IOCB_CMD_PWRITE = 1, SIZE = 640 * 1024;

    @AfterEach
    void unmount() {
        forceUnmount(mnt);
    }

    @Test
    void aBufferedReadAfterAnAioDirectWriteSeesTheWrite() throws Exception {
        Path lower = Files.createDirectories(tmp.resolve("lower"));
        mnt = Files.createDirectories(tmp.resolve("mnt"));
        var r = jfsmount("--lower", lower.toString(), "--upper", tmp.resolve("upper").toString(), "--work",
                tmp.resolve("work").toString(), mnt.toString());
        assertEquals(0, r.exit(), r.toString());
        Path f = mnt.resolve("aio-dio");
        Files.write(f, filled((byte) 0x55));

        AtomicBoolean stop = new AtomicBoolean();
        Thread[] readers = new Thread[2];
        for (int i = 0; i < readers.length; i++) {
            readers[i] = new Thread(() -> {
                ByteBuffer b = ByteBuffer.allocate(SIZE);
                while (!stop.get()) {
                    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
                        b.clear();
                        while (b.hasRemaining() && ch.read(b) > 0) { }
                    } catch (Exception e) {
                        return;
                    }
                }
            });
            readers[i].start();
        }
        Runtime rt = Runtime.getSystemRuntime();
        Pointer raw = Memory.allocateDirect(rt, SIZE + 4096, true);
        Pointer buf = raw.slice((4096 - raw.address() % 4096) % 4096, SIZE);
        Pointer iocb = Memory.allocateDirect(rt, 64, true), iocbs = Memory.allocateDirect(rt, 8, true);
        Pointer events = Memory.allocateDirect(rt, 32, true), ctx = Memory.allocateDirect(rt, 8, true);
        assertEquals(0, LIBC.syscall(IO_SETUP, 1, ctx.address(), 0, 0, 0), "io_setup");
        try {
            long end = System.nanoTime() + 12_000_000_000L;
            for (int round = 0; System.nanoTime() < end; round++) {
                byte pattern = (round & 1) == 0 ? (byte) 0xaa : (byte) 0x55;
                for (int i = 0; i < SIZE; i++) buf.putByte(i, pattern);
                int fd = Posix.open(f.toString(), Posix.O_RDWR | Posix.O_DIRECT, 0);
                try {
                    iocb.setMemory(0, 64, (byte) 0);
                    iocb.putShort(16, (short) IOCB_CMD_PWRITE);
                    iocb.putInt(20, fd);
                    iocb.putLong(24, buf.address());
                    iocb.putLong(32, SIZE);
                    iocbs.putLong(0, iocb.address());
                    assertEquals(1, LIBC.syscall(IO_SUBMIT, ctx.getLong(0), 1, iocbs.address(), 0, 0), "io_submit");
                    assertEquals(1, LIBC.syscall(IO_GETEVENTS, ctx.getLong(0), 1, 1, events.address(), 0), "io_getevents");
                    assertEquals(SIZE, events.getLong(16), "the write's result");
                } finally {
                    Posix.close(fd);
                }
                byte[] read = Files.readAllBytes(f);
                for (int i = 0; i < SIZE; i++) {
                    if (read[i] != pattern) {
                        fail("round " + round + ": byte " + i + " reads " + read[i] + ", written " + pattern);
                    }
                }
            }
        } finally {
            stop.set(true);
            for (Thread t : readers) t.join();
            LIBC.syscall(IO_DESTROY, ctx.getLong(0), 0, 0, 0, 0);
        }
    }

    static byte[] filled(byte b) {
        byte[] a = new byte[SIZE];
        java.util.Arrays.fill(a, b);
        return a;
    }
}
