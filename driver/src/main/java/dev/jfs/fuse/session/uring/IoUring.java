package dev.jfs.fuse.session.uring;

import dev.jfs.posix.Errno;
import dev.jfs.posix.FsException;
import dev.jfs.posix.Posix;
import java.lang.invoke.VarHandle;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

/**
 * One io_uring, through its two system calls and its three shared mappings (submission ring,
 * completion ring, SQE array), with 128-byte SQEs: a URING_CMD carries its command in the 80
 * bytes after the SQE's fixed fields. Used by one thread only: the kernel runs a URING_CMD's
 * completion in the task that submitted it, so the thread that submits must also wait.
 */
final class IoUring implements AutoCloseable {
    private static final int SETUP_SQE128 = 1 << 10;
    private static final long OFF_SQ_RING = 0, OFF_CQ_RING = 0x8000000L, OFF_SQES = 0x10000000L;
    private static final int ENTER_GETEVENTS = 1;
    static final int SQE_SIZE = 128, CQE_SIZE = 16;
    /** Where a URING_CMD's command starts in its SQE. */
    static final int SQE_CMD = 48;
    private static final byte OP_URING_CMD = 46;

    private final int fd;
    private final Pointer sqRing, cqRing, sqes;
    private final long sqRingSize, cqRingSize, sqesSize;
    private final int sqHead, sqTail, sqMask, sqArray, cqHead, cqTail, cqMask, cqes;
    private final int sqEntries;
    /** SQEs written since the last enter, not yet handed to the kernel. */
    private int unsubmitted;

    IoUring(int entries, Runtime runtime) {
        Pointer params = Memory.allocateDirect(runtime, 120, true);
        params.putInt(8, SETUP_SQE128);
        fd = Posix.ioUringSetup(entries, params);
        sqEntries = params.getInt(0);
        int cqEntries = params.getInt(4);
        sqHead = params.getInt(40);
        sqTail = params.getInt(44);
        sqMask = params.getInt(48);
        sqArray = params.getInt(64);
        cqHead = params.getInt(80);
        cqTail = params.getInt(84);
        cqMask = params.getInt(88);
        cqes = params.getInt(100);
        sqRingSize = sqArray + 4L * sqEntries;
        cqRingSize = cqes + (long) CQE_SIZE * cqEntries;
        sqesSize = (long) SQE_SIZE * sqEntries;
        try {
            sqRing = Posix.mapShared(fd, sqRingSize, OFF_SQ_RING);
            cqRing = Posix.mapShared(fd, cqRingSize, OFF_CQ_RING);
            sqes = Posix.mapShared(fd, sqesSize, OFF_SQES);
        } catch (FsException e) {
            Posix.close(fd);
            throw e;
        }
        sqMaskValue = sqRing.getInt(sqMask);
        cqMaskValue = cqRing.getInt(cqMask);
    }

    private final int sqMaskValue, cqMaskValue;

    /**
     * Queues a URING_CMD on {@code targetFd} with {@code cmdOp}, {@code addr} and {@code len}, and
     * in its command area struct fuse_uring_cmd_req (flags 0, commit id, queue id). Submitted at
     * the next {@link #submitAndWait}.
     */
    void fuseCmd(int targetFd, int cmdOp, long addr, int len, long userData, long commitId, int qid) {
        if (unsubmitted >= sqEntries) throw new IllegalStateException("submission ring full");
        int tail = sqRing.getInt(sqTail);
        int index = tail & sqMaskValue;
        long sqe = (long) index * SQE_SIZE;
        for (int i = 0; i < SQE_SIZE; i += 8) sqes.putLong(sqe + i, 0);
        sqes.putByte(sqe, OP_URING_CMD);
        sqes.putInt(sqe + 4, targetFd);
        sqes.putInt(sqe + 8, cmdOp);
        sqes.putLong(sqe + 16, addr);
        sqes.putInt(sqe + 24, len);
        sqes.putLong(sqe + 32, userData);
        sqes.putLong(sqe + SQE_CMD + 8, commitId);
        sqes.putShort(sqe + SQE_CMD + 16, (short) qid);
        sqRing.putInt(sqArray + 4L * index, index);
        VarHandle.releaseFence(); // the SQE before the tail that publishes it
        sqRing.putInt(sqTail, tail + 1);
        unsubmitted++;
    }

    /** Hands the queued SQEs to the kernel and sleeps until at least one completion is there. */
    void submitAndWait() {
        while (true) {
            int n = Posix.ioUringEnter(fd, unsubmitted, 1, ENTER_GETEVENTS);
            if (n >= 0) {
                unsubmitted -= n;
                if (unsubmitted == 0 || ready()) return;
                continue;
            }
            if (n == -Errno.EINTR || n == -Errno.EAGAIN || n == -Errno.EBUSY) {
                if (ready()) return;
                continue;
            }
            throw new FsException(-n, "io_uring_enter");
        }
    }

    /** Whether a completion waits to be taken. */
    boolean ready() {
        int tail = cqRing.getInt(cqTail);
        VarHandle.acquireFence();
        return tail != cqRing.getInt(cqHead);
    }

    /** Calls {@code each} for every completion there, then gives their slots back to the kernel. */
    void drain(Completion each) {
        int head = cqRing.getInt(cqHead);
        int tail = cqRing.getInt(cqTail);
        VarHandle.acquireFence(); // the CQEs after the tail that published them
        while (head != tail) {
            long at = cqes + (long) (head & cqMaskValue) * CQE_SIZE;
            long userData = cqRing.getLong(at);
            int result = cqRing.getInt(at + 8);
            head++;
            VarHandle.releaseFence();
            cqRing.putInt(cqHead, head); // before the handler, which may queue and submit again
            each.completed(userData, result);
        }
    }

    interface Completion {
        void completed(long userData, int result);
    }

    @Override
    public void close() {
        Posix.unmap(sqes, sqesSize);
        Posix.unmap(cqRing, cqRingSize);
        Posix.unmap(sqRing, sqRingSize);
        try {
            Posix.close(fd);
        } catch (FsException ignored) {
            // closed already
        }
    }
}
