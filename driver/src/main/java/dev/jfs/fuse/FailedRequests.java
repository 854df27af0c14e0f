package dev.jfs.fuse;

import static dev.jfs.fuse.FuseProtocol.*;

import dev.jfs.posix.Errno;
import java.util.logging.Level;
import java.util.logging.Logger;
import jnr.ffi.Pointer;

/**
 * A request whose answering threw, outside libfuse's callbacks (which {@code JfsFuse} guards):
 * the loop's own paths for reads, writes, listings and opens. Left unanswered, the request's
 * caller would wait forever, and a loop thread that died of it would leave the mount one thread
 * short, then hung. It is answered EIO instead, as a callback's failure is, and the thread goes
 * on serving.
 */
final class FailedRequests {
    private static final Logger LOG = Logger.getLogger(FailedRequests.class.getName());

    private FailedRequests() {}

    /**
     * Logs {@code cause} and answers {@code request} EIO on {@code deviceFd}. If the answer was
     * already sent before the failure, the kernel refuses the second (no request waits under that
     * number) and nothing changes. FORGETs expect no answer and get none.
     */
    static void answer(int deviceFd, Pointer request, Pointer scratch, Throwable cause) {
        int opcode = request.getInt(IN_OPCODE);
        LOG.log(Level.SEVERE, "request " + opcode + " failed unexpectedly, answered EIO", cause);
        if (opcode == FUSE_FORGET || opcode == FUSE_BATCH_FORGET) return;
        scratch.putInt(OUT_LEN, OUT_HEADER);
        scratch.putInt(OUT_ERROR, -Errno.EIO);
        scratch.putLong(OUT_UNIQUE, request.getLong(IN_UNIQUE));
        CaptureChannel.send(deviceFd, scratch, OUT_HEADER);
    }
}
