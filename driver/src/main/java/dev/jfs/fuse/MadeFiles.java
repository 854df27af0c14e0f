package dev.jfs.fuse;

import static dev.jfs.fuse.FuseProtocol.*;

import dev.jfs.posix.Errno;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import jnr.ffi.Pointer;

/**
 * The kernel asks for {@code security.capability} before the first write to each inode
 * (file_remove_privs): one GETXATTR per file a program creates and writes. A file this mount has
 * just made holds none (nothing sets it on a new file), so the loop answers ENODATA itself,
 * without libfuse building the path and calling into the union (half of that request's cost).
 *
 * <p>Kept per kernel inode (node id), from the CREATE that made the file until the kernel forgets
 * the node. Any SETXATTR or REMOVEXATTR forgets them all first, since the attribute may be set
 * through another name of the file (libfuse2 gives each name a node of its own). Nothing else
 * can give a file the attribute: the upper changes only through the mount.
 */
final class MadeFiles {
    private static final byte[] CAPABILITY = "security.capability\0".getBytes(StandardCharsets.US_ASCII);
    /** struct fuse_getxattr_in: size, padding; the name follows. */
    private static final int GETXATTR_NAME = IN_HEADER + 8;

    private final Set<Long> nodes = ConcurrentHashMap.newKeySet();

    /** A CREATE made a new file, now kernel node {@code nodeid}. */
    void made(long nodeid) {
        nodes.add(nodeid);
    }

    /**
     * Answers a GETXATTR of {@code security.capability} of a made file (ENODATA); false, and
     * nothing sent, for any other request.
     */
    boolean answer(int deviceFd, Pointer request, int length, Pointer scratch) {
        if (request.getInt(IN_OPCODE) != FUSE_GETXATTR || length != GETXATTR_NAME + CAPABILITY.length) return false;
        if (!nodes.contains(request.getLong(IN_NODEID))) return false;
        for (int i = 0; i < CAPABILITY.length; i++) {
            if (request.getByte(GETXATTR_NAME + i) != CAPABILITY[i]) return false;
        }
        DirectoryHandles.fail(deviceFd, request, -Errno.ENODATA, scratch);
        return true;
    }

    /** Sees every request libfuse will handle: attribute changes and forgotten nodes end what this knows. */
    void observe(Pointer request, int length) {
        int opcode = request.getInt(IN_OPCODE);
        if (opcode == FUSE_SETXATTR || opcode == FUSE_REMOVEXATTR) nodes.clear();
        else ListedDirectories.forEachForgotten(request, length, nodes::remove);
    }

    /** How many nodes are known, for tests. */
    int size() {
        return nodes.size();
    }
}
