package dev.jfs.fuse;

import static dev.jfs.fuse.FuseProtocol.*;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongConsumer;
import jnr.ffi.Pointer;

/**
 * Which directories the kernel already holds the entries of, so that listing one again needs no
 * LOOKUP per name ({@link ReaddirPlus} then sends names without attributes, which the kernel
 * takes as "keep what you have"). A directory counts as held from the first listing that looked
 * its names up until the kernel forgets its node (FORGET: evicted, e.g. by drop_caches; libfuse
 * gives a node id again only to a new node). If the kernel dropped some of its children in the
 * meantime, a stat of those costs a LOOKUP, as without READDIRPLUS. Decided once per listing (at
 * offset 0) and kept for the later chunks of the same open directory.
 */
final class ListedDirectories {

    private final Set<Long> held = ConcurrentHashMap.newKeySet();
    /** Open directory handles (libfuse's fh) whose listing sends names without attributes. */
    private final Set<Long> namesOnly = ConcurrentHashMap.newKeySet();

    /** Whether the listing of {@code dir} through handle {@code fh}, at {@code offset}, should look its names up. */
    boolean lookUp(long dir, long fh, long offset) {
        if (offset == 0) {
            boolean again = !held.add(dir);
            if (again) namesOnly.add(fh);
            else namesOnly.remove(fh);
            return !again;
        }
        return !namesOnly.contains(fh);
    }

    /** Sees the requests that end what this tracks; libfuse then handles them as usual. */
    void observe(Pointer request, int length) {
        if (length < IN_HEADER + 8) return;
        if (request.getInt(IN_OPCODE) == FUSE_RELEASEDIR) released(request.getLong(IN_HEADER)); // fuse_release_in.fh
        else forEachForgotten(request, length, held::remove);
    }

    /** A directory handle is closed: libfuse may give its number to another listing. */
    void released(long fh) {
        namesOnly.remove(fh);
    }

    static boolean isForget(Pointer request) {
        int opcode = request.getInt(IN_OPCODE);
        return opcode == FUSE_FORGET || opcode == FUSE_BATCH_FORGET;
    }

    /** The node ids a FORGET or BATCH_FORGET request drops; nothing for other requests. */
    static void forEachForgotten(Pointer request, int length, LongConsumer forgotten) {
        if (length < IN_HEADER + 8) return;
        switch (request.getInt(IN_OPCODE)) {
            case FUSE_FORGET -> forgotten.accept(request.getLong(IN_NODEID));
            case FUSE_BATCH_FORGET -> {
                // struct fuse_batch_forget_in {count, dummy}, then {nodeid, nlookup} each
                int count = request.getInt(IN_HEADER);
                for (int i = 0; i < count && IN_HEADER + 8 + 16L * (i + 1) <= length; i++) {
                    forgotten.accept(request.getLong(IN_HEADER + 8 + 16L * i));
                }
            }
            default -> { }
        }
    }
}
