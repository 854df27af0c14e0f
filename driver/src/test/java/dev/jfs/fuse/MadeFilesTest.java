package dev.jfs.fuse;

import static dev.jfs.fuse.FuseProtocol.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.jfs.posix.Errno;
import dev.jfs.posix.Posix;
import java.nio.charset.StandardCharsets;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** GETXATTR of security.capability of made files, answered on a pipe standing in for /dev/fuse. */
class MadeFilesTest {
    final Runtime runtime = Runtime.getSystemRuntime();
    final Pointer request = Memory.allocateDirect(runtime, 256, true);
    final Pointer scratch = Memory.allocateDirect(runtime, 64, true);
    final Pointer answer = Memory.allocateDirect(runtime, 64, true);
    final MadeFiles made = new MadeFiles();
    int[] pipe;

    @BeforeEach
    void open() {
        pipe = Posix.pipe();
    }

    @AfterEach
    void close() {
        Posix.close(pipe[0]);
        Posix.close(pipe[1]);
    }

    /** A request as the kernel lays it out; returns its length. */
    private int request(int opcode, long nodeid, long unique, String body) {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        int len = IN_HEADER + b.length;
        request.putInt(IN_LEN, len);
        request.putInt(IN_OPCODE, opcode);
        request.putLong(IN_UNIQUE, unique);
        request.putLong(IN_NODEID, nodeid);
        request.put(IN_HEADER, b, 0, b.length);
        return len;
    }

    /** struct fuse_getxattr_in (size, padding), then the name. */
    private int getxattr(long nodeid, long unique, String name) {
        return request(FUSE_GETXATTR, nodeid, unique, "\0\0\0\0\0\0\0\0" + name + "\0");
    }

    private boolean answered(int length) {
        return made.answer(pipe[1], request, length, scratch);
    }

    @Test
    void theCapabilityOfAMadeFileIsAnsweredNoData() {
        made.made(7);
        assertTrue(answered(getxattr(7, 0x55, "security.capability")));
        assertEquals(OUT_HEADER, Posix.readIfReady(pipe[0], answer, 64), "one answer header, nothing more");
        assertEquals(-Errno.ENODATA, answer.getInt(OUT_ERROR));
        assertEquals(0x55, answer.getLong(OUT_UNIQUE));
    }

    @Test
    void otherNodesAndOtherNamesGoToLibfuse() {
        made.made(7);
        assertFalse(answered(getxattr(8, 1, "security.capability")), "a node not made here");
        assertFalse(answered(getxattr(7, 2, "security.capabilitx")));
        assertFalse(answered(getxattr(7, 3, "user.x")));
        assertFalse(answered(getxattr(7, 4, "security.capability.more")));
        assertFalse(answered(request(FUSE_LISTXATTR, 7, 5, "\0\0\0\0\0\0\0\0")));
        assertEquals(-1, Posix.readIfReady(pipe[0], answer, 64), "nothing answered");
    }

    @Test
    void anyXattrChangeForgetsEveryMadeFile() {
        made.made(7);
        made.made(9);
        made.observe(request, request(FUSE_SETXATTR, 12, 1, "x"));
        assertFalse(answered(getxattr(7, 2, "security.capability")), "set through another name, for all we know");
        made.made(7);
        made.observe(request, request(FUSE_REMOVEXATTR, 12, 3, "x"));
        assertEquals(0, made.size());
    }

    @Test
    void aForgottenNodeIsForgotten() {
        made.made(7);
        made.made(9);
        made.observe(request, request(FUSE_FORGET, 7, 1, "\1\0\0\0\0\0\0\0"));
        assertFalse(answered(getxattr(7, 2, "security.capability")), "its id may be given to another file");
        assertTrue(answered(getxattr(9, 3, "security.capability")));
        made.observe(request, request(FUSE_GETATTR, 9, 4, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0"));
        assertEquals(1, made.size(), "other requests change nothing");
    }
}
