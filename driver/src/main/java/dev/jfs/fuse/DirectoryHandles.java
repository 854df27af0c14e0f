package dev.jfs.fuse;

import static dev.jfs.fuse.FuseProtocol.*;

import dev.jfs.posix.Errno;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

/**
 * Directories opened and closed without a round trip. jfs answers the kernel's first OPENDIR with
 * ENOSYS; from then on (kernels that offer FUSE_NO_OPENDIR_SUPPORT, 5.1 and later) the kernel
 * opens and closes directories without asking, keeps their listings in its page cache
 * (FOPEN_CACHE_DIR and FOPEN_KEEP_CACHE are what it assumes then) and sends READDIRPLUS with
 * file handle 0. A walk of a tree saves two of its three requests per directory once the tree
 * is cached (OPENDIR and RELEASEDIR; the directory's GETATTR stays).
 *
 * <p>libfuse2 still wants a directory handle of its own for each listing: it lists the directory
 * into it once and serves the chunks the kernel asks for from there. So we open one through
 * libfuse, in this process, for a listing that starts (offset 0), keep it for the next chunk of
 * the same listing (found by the directory and the offset the last chunk ended at), and close it
 * at the end of the listing, when the kernel forgets the directory, or when too many are open (a
 * listing given up half way). A chunk whose handle is gone gets a new one, listed afresh.
 * libfuse2 would crash on the other requests that carry a directory handle, so FSYNCDIR and a
 * directory's IOCTL are answered ENOSYS here, as libfuse2 answers them when it has a handle.
 */
final class DirectoryHandles {
    private static final int FUSE_NO_OPENDIR_SUPPORT = 1 << 24;
    // struct fuse_init_in: major, minor, max_readahead, flags
    private static final int INIT_IN_FLAGS = IN_HEADER + 12;
    // struct fuse_read_in (READDIR*): fh, then offset
    private static final int READ_IN_OFFSET = IN_FH + 8;
    // struct fuse_ioctl_in: fh, flags (u32) at 8
    private static final int IOCTL_IN_FLAGS = IN_HEADER + 8, FUSE_IOCTL_DIR = 1 << 4;
    // struct fuse_open_in: flags, open_flags (8 bytes); struct fuse_release_in: fh, flags, release_flags, lock_owner (24)
    private static final int OPEN_IN = 8, RELEASE_IN = 24;
    // struct fuse_open_out: fh first
    /** Listings kept open between chunks; beyond this the oldest is closed. */
    private static final int MAX_OPEN = 256;

    private record Resume(long dir, long offset) {}

    /** Whether the kernel opens directories without asking (decided at FUSE_INIT). */
    private volatile boolean enabled;
    /** Handles of listings under way, by the directory and the offset their next chunk starts at. */
    private final LinkedHashMap<Resume, Long> open = new LinkedHashMap<>();
    private final ListedDirectories listed;

    DirectoryHandles(ListedDirectories listed) {
        this.listed = listed;
    }

    /** Sees the kernel's FUSE_INIT request: whether it can open directories without asking. */
    void init(Pointer request, int length) {
        enabled = length >= INIT_IN_FLAGS + 4 && (request.getInt(INIT_IN_FLAGS) & FUSE_NO_OPENDIR_SUPPORT) != 0;
    }

    boolean enabled() {
        return enabled;
    }

    /**
     * Answers a request the kernel sends about a directory when it opens directories itself: the
     * first OPENDIR (ENOSYS, so that it does), FSYNCDIR and a directory's IOCTL (ENOSYS). False
     * if the request is not one of these, or carries a handle libfuse gave (before the switch).
     */
    boolean refuse(int deviceFd, Pointer request, int length, Pointer scratch) {
        int opcode = request.getInt(IN_OPCODE);
        boolean refused = switch (opcode) {
            case FUSE_OPENDIR -> true;
            case FUSE_FSYNCDIR -> length >= IN_FH + 8 && request.getLong(IN_FH) == 0;
            case FUSE_IOCTL -> length >= IOCTL_IN_FLAGS + 4 && (request.getInt(IOCTL_IN_FLAGS) & FUSE_IOCTL_DIR) != 0
                    && request.getLong(IN_FH) == 0;
            default -> false;
        };
        if (refused) fail(deviceFd, request, -Errno.ENOSYS, scratch);
        return refused;
    }

    /** Answers {@code request} with an error, {@code -errno}. */
    static void fail(int deviceFd, Pointer request, int negativeErrno, Pointer scratch) {
        scratch.putInt(OUT_LEN, OUT_HEADER);
        scratch.putInt(OUT_ERROR, negativeErrno);
        scratch.putLong(OUT_UNIQUE, request.getLong(IN_UNIQUE));
        CaptureChannel.send(deviceFd, scratch, OUT_HEADER);
    }

    /**
     * A libfuse handle for the listing chunk the READDIR(PLUS) {@code request} asks for: the one
     * its listing already has, or a new one. Negative (-errno) if libfuse could not open the
     * directory; libfuse must then not see the request (a handle of 0 would crash it).
     */
    long handleFor(CaptureChannel capture, Pointer request, Pointer scratch) {
        long dir = request.getLong(IN_NODEID), offset = request.getLong(READ_IN_OFFSET);
        if (offset != 0) {
            Long fh;
            synchronized (open) {
                fh = open.remove(new Resume(dir, offset));
            }
            if (fh != null) return fh;
        }
        int got = capture.process(scratch, request(request, scratch, FUSE_OPENDIR, OPEN_IN));
        Pointer answer = capture.answer();
        if (got >= OUT_HEADER && answer.getInt(OUT_ERROR) < 0) return answer.getInt(OUT_ERROR);
        long fh = got >= OUT_HEADER + 8 ? answer.getLong(OUT_HEADER) : 0;
        return fh > 0 ? fh : -Errno.EIO;
    }

    /**
     * The chunk served with {@code fh} ended at {@code nextOffset} (-1: the listing is over, or
     * failed): keep the handle for the next chunk, or close it.
     */
    void served(CaptureChannel capture, Pointer request, long fh, long nextOffset, Pointer scratch) {
        long dir = request.getLong(IN_NODEID);
        if (nextOffset <= 0) {
            release(capture, request, dir, fh, scratch);
            return;
        }
        List<Map.Entry<Resume, Long>> evicted = new ArrayList<>();
        synchronized (open) {
            Long old = open.put(new Resume(dir, nextOffset), fh);
            if (old != null) evicted.add(Map.entry(new Resume(dir, nextOffset), old));
            Iterator<Map.Entry<Resume, Long>> it = open.entrySet().iterator();
            while (open.size() > MAX_OPEN && it.hasNext()) {
                Map.Entry<Resume, Long> e = it.next();
                evicted.add(Map.entry(e.getKey(), e.getValue()));
                it.remove();
            }
        }
        for (Map.Entry<Resume, Long> e : evicted) release(capture, request, e.getKey().dir(), e.getValue(), scratch);
    }

    /**
     * Sees a request; if it is a FORGET of directories with listings still open (given up half
     * way), closes those, while libfuse still knows the directories.
     */
    void forgetting(CaptureChannel capture, Pointer request, int length, Pointer scratch) {
        if (!ListedDirectories.isForget(request)) return; // every request comes here: no lock for the others
        List<Map.Entry<Resume, Long>> handles = new ArrayList<>();
        synchronized (open) {
            if (open.isEmpty()) return;
            ListedDirectories.forEachForgotten(request, length, dir -> {
                Iterator<Map.Entry<Resume, Long>> it = open.entrySet().iterator();
                while (it.hasNext()) {
                    Map.Entry<Resume, Long> e = it.next();
                    if (e.getKey().dir() == dir) {
                        handles.add(Map.entry(e.getKey(), e.getValue()));
                        it.remove();
                    }
                }
            });
        }
        for (Map.Entry<Resume, Long> e : handles) release(capture, request, e.getKey().dir(), e.getValue(), scratch);
    }

    private void release(CaptureChannel capture, Pointer request, long dir, long fh, Pointer scratch) {
        listed.released(fh);
        int length = request(request, scratch, FUSE_RELEASEDIR, RELEASE_IN);
        scratch.putLong(IN_NODEID, dir);
        scratch.putLong(IN_FH, fh);
        capture.process(scratch, length);
    }

    /**
     * Builds in {@code to} a request like {@code request} (its node, caller and unique) for
     * another opcode, with a zeroed body of {@code body} bytes; returns its length.
     */
    private static int request(Pointer request, Pointer to, int opcode, int body) {
        request.transferTo(0, to, 0, IN_HEADER);
        to.setMemory(IN_HEADER, body, (byte) 0);
        to.putInt(IN_LEN, IN_HEADER + body);
        to.putInt(IN_OPCODE, opcode);
        return IN_HEADER + body;
    }

    /** A buffer for the requests and answers made here. */
    static Pointer scratch(Runtime runtime) {
        return Memory.allocateDirect(runtime, IN_HEADER + RELEASE_IN + OPEN_IN, true);
    }
}
