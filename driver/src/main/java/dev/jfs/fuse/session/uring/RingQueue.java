package dev.jfs.fuse.session.uring;

import dev.jfs.fuse.protocol.Request;
import dev.jfs.fuse.session.Session;
import dev.jfs.posix.Errno;
import dev.jfs.posix.Posix;
import java.util.logging.Level;
import java.util.logging.Logger;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

/**
 * A thread serving one queue of the connection's ring, through an io_uring of its own: the kernel
 * queues there the requests of programs running on CPU {@code qid}. It registers its entries,
 * then answers each request that completes one and commits the answer with the same command that
 * fetches the entry's next request (COMMIT_AND_FETCH). It runs on CPU {@code qid} itself, so a
 * program and the thread answering it hand over on one CPU, without waking another.
 */
final class RingQueue implements Runnable {
    private static final Logger LOG = Logger.getLogger(RingQueue.class.getName());
    static final int CMD_REGISTER = 1, CMD_COMMIT_AND_FETCH = 2;

    private final int qid;
    private final int deviceFd;
    private final Session session;
    private final IoUring ring;
    private final RingEntry[] entries;
    private final Pointer request;
    private final int requestCapacity;
    private final Request decoded;
    private final Runnable onFailure;
    private final Occupancy occupancy;
    private boolean ended;
    /** Requests answered, for the log at the end. */
    private long served;

    RingQueue(int qid, int deviceFd, Session session, int depth, int payloadSize, Runtime runtime, Runnable onFailure,
            Occupancy occupancy) {
        this.qid = qid;
        this.onFailure = onFailure;
        this.occupancy = occupancy;
        this.deviceFd = deviceFd;
        this.session = session;
        this.ring = new IoUring(depth * 2, runtime);
        this.entries = new RingEntry[depth];
        for (int i = 0; i < depth; i++) entries[i] = new RingEntry(runtime, payloadSize);
        this.requestCapacity = payloadSize + 8192;
        this.request = Memory.allocateDirect(runtime, requestCapacity, true);
        this.decoded = new Request(request);
    }

    @Override
    public void run() {
        if (!Posix.pinToCpu(qid)) LOG.fine("queue " + qid + " runs on any CPU");
        try {
            for (int i = 0; i < entries.length; i++) register(i);
            while (!ended) {
                ring.submitAndWait();
                ring.drain(this::completed);
            }
        } catch (RuntimeException | Error e) {
            LOG.log(Level.SEVERE, "io_uring queue " + qid + " failed: the connection is aborted", e);
            onFailure.run();
        } finally {
            ring.close();
            LOG.fine("io_uring queue " + qid + " answered " + served + " requests");
        }
    }

    int qid() {
        return qid;
    }

    /** Frees the ring of a queue whose thread never started (INIT did not agree on io_uring). */
    void closeUnstarted() {
        ring.close();
    }

    private void register(int entry) {
        ring.fuseCmd(deviceFd, CMD_REGISTER, entries[entry].iovecs.address(), 2, entry, 0, qid);
    }

    private void commit(int entry) {
        ring.fuseCmd(deviceFd, CMD_COMMIT_AND_FETCH, 0, 0, entry, entries[entry].commitId, qid);
    }

    private void completed(long userData, int result) {
        int entry = (int) userData;
        if (result == 0) {
            occupancy.busy(qid);
            answer(entry);
            commit(entry);
            occupancy.free(qid);
        } else if (result == -Errno.EAGAIN) {
            // registered before the kernel had INIT's answer: again, shortly
            sleepMillis(1);
            register(entry);
        } else if (result == -Errno.ENOTCONN || result == -Errno.ECONNABORTED || result == -Errno.ECANCELED
                || result == -Errno.ENODEV) {
            ended = true; // unmounted
        } else if (result == -Errno.ENOENT) {
            // the request committed was gone (aborted): the kernel dropped the entry; give it back
            register(entry);
        } else {
            throw new IllegalStateException("entry " + entry + ": " + Posix.strerror(-result));
        }
    }

    /** Told when a thread of queue {@code qid} takes a request and when it is free again. */
    interface Occupancy {
        void busy(int qid);

        void free(int qid);
    }

    private void answer(int entry) {
        RingEntry e = entries[entry];
        int length = e.requestInto(request, requestCapacity);
        var reply = e.reply;
        if (length < 0) {
            LOG.warning("io_uring queue " + qid + ": a request of inconsistent sizes, answered EIO");
            reply.reset();
            reply.error(Errno.EIO);
        } else {
            decoded.received(length);
            // Every request that comes over the ring must be committed to get its entry back.
            if (!session.respond(decoded, reply, qid)) {
                reply.reset();
                reply.error(Errno.ENOSYS);
            }
        }
        e.answered(reply.seal(e.commitId));
        served++;
    }

    private static void sleepMillis(int ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
