package dev.jfs.fuse;

import dev.jfs.posix.FsException;
import dev.jfs.posix.Posix;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

/**
 * Lets libfuse answer a request into a pipe instead of to the kernel, so that jfs can read the
 * answer first: a copy of the mount's struct fuse_chan (libfuse reaches its session through it)
 * whose descriptor is the pipe's write end. libfuse's high-level layer answers every request
 * before fuse_session_process returns, so the answer is in the pipe when we read it.
 * One per request loop thread.
 */
final class CaptureChannel {
    /** A pipe holds 64 KiB by default: answers captured must be smaller. */
    static final int CAPACITY = 64 << 10;
    /** struct fuse_chan in libfuse 2.6-2.9: ops (3 pointers), se, int fd, size_t bufsize, data, compat. */
    private static final int CHAN_FD = 32, CHAN_BUFSIZE = 40, CHAN_SIZE = 64;

    private final FuseLoop.LibFuse2 lib;
    private final Pointer session;
    private final Pointer channel;
    private final int[] pipe;
    private final Pointer answer;

    private CaptureChannel(FuseLoop.LibFuse2 lib, Runtime runtime, Pointer session, Pointer mountChannel, long bufsize) {
        this.lib = lib;
        this.session = session;
        this.pipe = Posix.pipe();
        this.channel = copy(runtime, mountChannel, pipe[1], bufsize);
        this.answer = Memory.allocateDirect(runtime, CAPACITY, true);
    }

    /**
     * A copy of the mount's struct fuse_chan whose answers go to {@code fd}. Only for a channel
     * whose layout {@link #of} has accepted.
     */
    static Pointer copy(Runtime runtime, Pointer mountChannel, int fd, long bufsize) {
        Pointer channel = Memory.allocateDirect(runtime, CHAN_SIZE, true);
        byte[] chan = new byte[CHAN_SIZE];
        mountChannel.get(0, chan, 0, CHAN_SIZE);
        channel.put(0, chan, 0, CHAN_SIZE);
        channel.putInt(CHAN_FD, fd);
        channel.putLong(CHAN_BUFSIZE, bufsize);
        return channel;
    }

    /**
     * A capture channel like {@code mountChannel} that claims a buffer of {@code bufsize} bytes
     * (what libfuse offers the kernel as max_write depends on it), or null if libfuse's struct
     * fuse_chan is not laid out as known here (checked against libfuse's own accessors).
     */
    static CaptureChannel of(FuseLoop.LibFuse2 lib, Runtime runtime, Pointer session, Pointer mountChannel, long bufsize) {
        if (mountChannel.getInt(CHAN_FD) != lib.fuse_chan_fd(mountChannel)
                || mountChannel.getLong(CHAN_BUFSIZE) != lib.fuse_chan_bufsize(mountChannel)) {
            return null;
        }
        return new CaptureChannel(lib, runtime, session, mountChannel, bufsize);
    }

    /** libfuse processes {@code request}; its answer is then at {@link #answer()}. Returns its length, or -1 if none came. */
    int process(Pointer request, int length) {
        lib.fuse_session_process(session, request, length, channel);
        try {
            return Posix.read(pipe[0], answer, CAPACITY);
        } catch (FsException e) {
            return -1; // EAGAIN: libfuse sent nothing
        }
    }

    Pointer answer() {
        return answer;
    }

    /**
     * Sends an answer to the kernel. False if the kernel no longer wants it (ENOENT: the request
     * was interrupted), as libfuse's own sends shrug off.
     */
    static boolean send(int deviceFd, Pointer reply, int length) {
        try {
            Posix.write(deviceFd, reply, length);
            return true;
        } catch (FsException e) {
            return false;
        }
    }
}
