package dev.jfs.fuse.session.uring;

import dev.jfs.fuse.session.FuseDevice;
import dev.jfs.fuse.session.Negotiated;
import dev.jfs.fuse.session.Session;
import dev.jfs.posix.FsException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;
import jnr.ffi.Runtime;

/**
 * FUSE over io_uring ({@code -o uring}, Linux 6.14+ with the fuse module's {@code enable_uring}):
 * requests come as completions of commands on io_uring queues, one per CPU, instead of reads of
 * {@code /dev/fuse}, and their answers go back with the command that fetches the next request.
 * INIT, FORGET and INTERRUPT still come over the device, to the {@link Session}'s one thread.
 *
 * <p>The kernel uses the ring only once every CPU's queue has an entry registered, and from INIT's
 * answer until then holds back every request; so the rings are set up before INIT is asked for
 * (a machine where io_uring is disabled then mounts over the device), and registered right after
 * its answer.
 */
public final class UringSession {
    private static final Logger LOG = Logger.getLogger(UringSession.class.getName());
    /**
     * Entries per thread. One: a second entry of the same thread would hold its request until the
     * thread is done with the first; another thread's entry answers it meanwhile.
     */
    static final int DEPTH = 1;

    private final List<RingQueue> queues = new ArrayList<>();
    /** What ends the connection if a queue fails: its requests would otherwise wait forever. */
    private volatile Runnable onFailure = () -> { };
    private final List<Thread> threads = new ArrayList<>();
    private final FuseDevice device;
    private final Session session;
    private final int payloadSize;
    private QueueOccupancy occupancy;

    private UringSession(FuseDevice device, Session session, int payloadSize) {
        this.device = device;
        this.session = session;
        this.payloadSize = payloadSize;
    }

    /**
     * Sets up the queues of {@code session}'s connection, one per possible CPU, each served by
     * {@code threads} spread over them (at least one a queue), to start once INIT agrees on
     * io_uring; null (and a warning) where io_uring cannot be set up.
     *
     * <p>Why several threads a queue: a thread answers its requests one after another, and a
     * request stuck on a slow disk or a stopped lower layer would hold up every later request of
     * programs on that CPU. Each thread has its own ring and entry; the kernel gives a request to
     * the queue's entry committed last, so the thread that just answered takes the next one, and
     * the others take requests only while it is busy. A queue whose threads are all busy starts
     * one more, up to {@code threads}: the kernel never moves a request to another CPU's queue.
     */
    public static UringSession prepare(FuseDevice device, Session session, int payloadSize, int threads) {
        UringSession u = new UringSession(device, session, payloadSize);
        Runtime runtime = Runtime.getSystemRuntime();
        try {
            int cpus = possibleCpus();
            int perQueue = Math.max(1, (threads + cpus - 1) / cpus);
            // Up to -o threads a queue: as many requests stuck at once as /dev/fuse's threads allow.
            u.occupancy = new QueueOccupancy(cpus, threads, u::startAnother);
            for (int qid = 0; qid < cpus; qid++) {
                for (int i = 0; i < perQueue; i++) u.queues.add(u.newQueue(qid, runtime));
            }
        } catch (FsException e) {
            LOG.warning("-o uring: io_uring cannot be set up (" + e.getMessage() + "); serving over /dev/fuse");
            u.close();
            return null;
        }
        session.afterInit(u::initialized);
        return u;
    }

    private RingQueue newQueue(int qid, Runtime runtime) {
        return new RingQueue(qid, device.fd(), session, DEPTH, payloadSize, runtime, this::queueFailed, occupancy);
    }

    private void initialized(Negotiated agreed) {
        if (!agreed.uring()) {
            LOG.warning("-o uring: the kernel does not offer FUSE over io_uring (/sys/module/fuse/parameters/enable_uring"
                    + " is N, or Linux is older than 6.14); serving over /dev/fuse");
            close();
            return;
        }
        for (RingQueue q : queues) {
            occupancy.started(q.qid());
            startThread(q::run, q.qid());
        }
    }

    private synchronized void startThread(Runnable body, int qid) {
        Thread t = new dev.jfs.posix.PosixThread(body, "fuse-ring-" + qid + "-" + threads.size());
        t.setDaemon(true);
        t.start();
        threads.add(t);
    }

    /**
     * One more thread for queue {@code qid}, whose threads are all busy: its ring is set up on the
     * new thread, not on the one about to answer a request.
     */
    private void startAnother(int qid) {
        startThread(() -> {
            RingQueue q;
            try {
                q = newQueue(qid, Runtime.getSystemRuntime());
            } catch (RuntimeException e) {
                LOG.warning("io_uring queue " + qid + ": no further thread (" + e.getMessage() + ")");
                occupancy.neverStarted(qid);
                return;
            }
            q.run();
        }, qid);
    }

    /**
     * A queue that fails ends the connection (its abort file in /sys/fs/fuse/connections, named by
     * the minor number of the mount's st_dev): the kernel would keep the requests of that CPU's
     * programs queued with no one to answer them, and programs hang rather than get an error.
     */
    public void abortOnFailure(long mountDev) {
        Path abort = Path.of("/sys/fs/fuse/connections/" + dev.jfs.posix.Stat.minor(mountDev) + "/abort");
        onFailure = () -> {
            try {
                Files.writeString(abort, "1");
            } catch (IOException | SecurityException e) {
                LOG.severe("cannot abort the FUSE connection through " + abort + ": " + e);
            }
        };
    }

    private void queueFailed() {
        onFailure.run();
    }

    private void close() {
        // Only rings never started: a started queue closes its own when it ends.
        for (RingQueue q : queues) q.closeUnstarted();
        queues.clear();
    }

    /** Waits until every queue has ended (the filesystem is unmounted). */
    public void join() throws InterruptedException {
        for (int i = 0; ; i++) {
            Thread t;
            synchronized (this) {
                if (i >= threads.size()) return;
                t = threads.get(i);
            }
            t.join();
        }
    }

    /** The kernel's num_possible_cpus(), as the range in /sys/devices/system/cpu/possible ("0-N"). */
    static int possibleCpus() {
        try {
            String s = Files.readString(Path.of("/sys/devices/system/cpu/possible")).trim();
            int highest = 0;
            for (String part : s.split(",")) {
                String last = part.contains("-") ? part.substring(part.indexOf('-') + 1) : part;
                highest = Math.max(highest, Integer.parseInt(last));
            }
            return highest + 1;
        } catch (IOException | NumberFormatException e) {
            return java.lang.Runtime.getRuntime().availableProcessors();
        }
    }
}
