package dev.jfs.fuse;

import static dev.jfs.fuse.FuseProtocol.*;

import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

/**
 * LOOKUPs of the names of one directory, made in this process through libfuse (for
 * {@link ReaddirPlus}), several at a time. On a cold cache each lookup waits for the disk to
 * read the entry's inode; a disk serves several such reads at once, so a listing of many names
 * spreads them over a few threads. Each thread has its own {@link CaptureChannel}.
 */
final class NameLookups {
    static final int ENTRY_OUT = 128; // struct fuse_entry_out with struct fuse_attr (protocol 7.9 on)
    static final int NAME_MAX = 255;
    /** Below this many names one thread does them all: handing work over costs more than it saves. */
    private static final int SPREAD_FROM = 32;
    private static final int HELPERS = 3;

    private final ThreadLocal<Looker> lookers;
    private final ExecutorService helpers;

    NameLookups(FuseLoop.LibFuse2 lib, Runtime runtime, Pointer session, Pointer channel) {
        this.lookers = ThreadLocal.withInitial(() -> new Looker(runtime,
                CaptureChannel.of(lib, runtime, session, channel, InitReply.BUFFER)));
        this.helpers = Executors.newFixedThreadPool(HELPERS, r -> {
            Thread t = new Thread(r, "fuse-lookup");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Fills {@code entries} (ENTRY_OUT bytes per name, in order) with libfuse's answers to a LOOKUP
     * of each name {@code names[nameAt[i]..+nameLength[i]]} in the directory of the request
     * {@code header}, or with zeros (node id 0: no attributes) where there is none.
     */
    void lookUp(byte[] header, byte[] names, int[] nameAt, int[] nameLength, int count, byte[] entries) {
        if (count < SPREAD_FROM) {
            lookers.get().lookUp(header, names, nameAt, nameLength, 0, count, entries);
            return;
        }
        int parts = HELPERS + 1;
        CompletableFuture<?>[] spread = new CompletableFuture<?>[HELPERS];
        for (int p = 1; p < parts; p++) {
            int from = count * p / parts, to = count * (p + 1) / parts;
            spread[p - 1] = CompletableFuture.runAsync(
                    () -> lookers.get().lookUp(header, names, nameAt, nameLength, from, to, entries), helpers);
        }
        lookers.get().lookUp(header, names, nameAt, nameLength, 0, count / parts, entries);
        CompletableFuture.allOf(spread).join();
    }

    /** One thread's capture channel and LOOKUP request buffer. */
    private static final class Looker {
        private final CaptureChannel capture;
        private final Pointer request;

        Looker(Runtime runtime, CaptureChannel capture) {
            this.capture = capture;
            this.request = Memory.allocateDirect(runtime, IN_HEADER + NAME_MAX + 1, true);
        }

        void lookUp(byte[] header, byte[] names, int[] nameAt, int[] nameLength, int from, int to, byte[] entries) {
            request.put(0, header, 0, IN_HEADER);
            request.putInt(IN_OPCODE, FUSE_LOOKUP);
            for (int i = from; i < to; i++) {
                Arrays.fill(entries, i * ENTRY_OUT, (i + 1) * ENTRY_OUT, (byte) 0);
                int at = nameAt[i], length = nameLength[i];
                if (isDotOrDotDot(names, at, length) || length > NAME_MAX) continue;
                request.put(IN_HEADER, names, at, length);
                request.putByte(IN_HEADER + length, (byte) 0);
                request.putInt(IN_LEN, IN_HEADER + length + 1);
                int got = capture.process(request, IN_HEADER + length + 1);
                Pointer answer = capture.answer();
                if (got == OUT_HEADER + ENTRY_OUT && answer.getInt(OUT_ERROR) == 0) {
                    answer.get(OUT_HEADER, entries, i * ENTRY_OUT, ENTRY_OUT);
                }
            }
        }

        /** "." and ".." get no attributes: the kernel links neither from a listing. */
        private static boolean isDotOrDotDot(byte[] names, int at, int length) {
            return names[at] == '.' && (length == 1 || (length == 2 && names[at + 1] == '.'));
        }
    }
}
