package dev.jfs.fuse;

import static dev.jfs.fuse.FuseProtocol.*;

import dev.jfs.posix.FsException;
import dev.jfs.posix.Posix;
import java.util.function.LongPredicate;
import jnr.ffi.Pointer;

/**
 * READ and WRITE answered by the loop thread itself, between the request buffer and the file's
 * descriptor. The file handle the kernel sends is the descriptor {@link JfsFuse#open} gave it,
 * so nothing of libfuse's is needed: through libfuse each of these requests also had its path
 * built under libfuse's tree lock, turned into a Java string, a struct wrapped for the callback,
 * and for a READ a buffer of the read's size allocated and freed. Those were most of a 4 KiB
 * request's cost in this process.
 *
 * <p>A WRITE to a file open under a name that has siblings (hard links) still goes through
 * libfuse, because {@link JfsFuse#write} then needs the name to refresh the other names'
 * attributes. So does a request whose layout is not the one expected.
 */
final class FileData {
    // struct fuse_read_in and fuse_write_in alike: fh, offset, size (u32), flags..., 40 bytes
    private static final int IO_IN_OFFSET = IN_HEADER + 8, IO_IN_SIZE = IN_HEADER + 16, IO_IN = 40;
    private static final int WRITE_DATA = IN_HEADER + IO_IN;
    // struct fuse_write_out: size (u32), padding
    private static final int WRITE_OUT = 8;

    private final Pointer request;
    /** Where a WRITE's data is, and where a READ's answer carries its data: made once, not per request. */
    private final Pointer writtenData, readData;
    private final LongPredicate writesNeedName;
    private final boolean debug;

    /**
     * One per loop thread.
     *
     * @param request the thread's request buffer, reused for the answer
     * @param writesNeedName whether WRITEs on a file handle must go through libfuse's named callback
     * @param debug log each request as libfuse's {@code -o debug} does, so the log still shows them all
     */
    FileData(Pointer request, LongPredicate writesNeedName, boolean debug) {
        this.request = request;
        this.writtenData = request.slice(WRITE_DATA);
        this.readData = request.slice(OUT_HEADER);
        this.writesNeedName = writesNeedName;
        this.debug = debug;
    }

    /**
     * Answers the READ or WRITE request of {@code length} bytes in the buffer to {@code deviceFd}.
     * False, with nothing sent, if libfuse must answer it.
     */
    boolean answer(int deviceFd, int length) {
        if (length < WRITE_DATA) return false;
        boolean write = request.getInt(IN_OPCODE) == FUSE_WRITE;
        int fd = (int) request.getLong(IN_FH);
        long offset = request.getLong(IO_IN_OFFSET);
        int size = request.getInt(IO_IN_SIZE);
        long unique = request.getLong(IN_UNIQUE);
        if (write && (length != WRITE_DATA + size || writesNeedName.test(fd))) return false;
        if (debug) log(request, length, write, fd, size, offset);
        int answerLength;
        try {
            if (write) {
                request.putInt(OUT_HEADER, writeAll(fd, writtenData, size, offset));
                request.putInt(OUT_HEADER + 4, 0);
                answerLength = OUT_HEADER + WRITE_OUT;
            } else {
                // The data goes where the answer carries it, right after the answer's header.
                answerLength = OUT_HEADER + readAll(fd, readData, size, offset);
            }
            request.putInt(OUT_ERROR, 0);
        } catch (FsException e) {
            request.putInt(OUT_ERROR, -e.errno());
            answerLength = OUT_HEADER;
        }
        request.putInt(OUT_LEN, answerLength);
        request.putLong(OUT_UNIQUE, unique);
        if (debug) System.err.printf("   unique: %d, %s, outsize: %d%n", unique,
                request.getInt(OUT_ERROR) == 0 ? "success" : "error: " + request.getInt(OUT_ERROR), answerLength);
        CaptureChannel.send(deviceFd, request, answerLength); // fails only if the caller is gone
        return true;
    }

    /** The lines libfuse 2.9 prints for the request under {@code -o debug}. */
    private static void log(Pointer request, int length, boolean write, int fd, int size, long offset) {
        System.err.printf("unique: %d, opcode: %s (%d), nodeid: %d, insize: %d, pid: %d%n%s[%d] %d bytes %s %d%n",
                request.getLong(IN_UNIQUE), write ? "WRITE" : "READ", write ? FUSE_WRITE : FUSE_READ,
                request.getLong(IN_NODEID), length, request.getInt(IN_PID),
                write ? "write" : "read", fd, size, write ? "to" : "from", offset);
    }

    /** As a read(2) of a regular file: all of {@code size}, unless the file ends first. */
    private static int readAll(int fd, Pointer to, int size, long offset) {
        int done = 0;
        while (done < size) {
            int n = Posix.pread(fd, done == 0 ? to : to.slice(done), size - done, offset + done);
            if (n == 0) break;
            done += n;
        }
        return done;
    }

    /**
     * As a write(2): all of {@code size}, or as much as fit before an error (a full disk), which
     * the writer then gets on its next write. An error before any byte is written is thrown.
     */
    private static int writeAll(int fd, Pointer from, int size, long offset) {
        int done = 0;
        try {
            while (done < size) done += Posix.pwrite(fd, done == 0 ? from : from.slice(done), size - done, offset + done);
        } catch (FsException e) {
            if (done == 0) throw e;
        }
        return done;
    }
}
