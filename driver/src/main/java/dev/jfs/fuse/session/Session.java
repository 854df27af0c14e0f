package dev.jfs.fuse.session;

import dev.jfs.fuse.protocol.Opcode;
import dev.jfs.fuse.protocol.Reply;
import dev.jfs.fuse.protocol.Request;
import dev.jfs.posix.Cancellation;
import dev.jfs.posix.Errno;
import dev.jfs.posix.FsException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

/**
 * Serves one mounted FUSE connection: request threads, each on its own clone of the device,
 * read a request, have {@link Operations} answer it, and write the answer back. Every request is
 * answered (or, for FORGET and INTERRUPT, deliberately not), whatever the operation throws: a
 * failed request never ends the session. An INTERRUPT cancels the request it names if its
 * process is being killed ({@link Interrupts}). The session ends when the filesystem is unmounted.
 */
public final class Session {
    private static final Logger LOG = Logger.getLogger(Session.class.getName());
    /** A request's buffer: the largest WRITE plus its headers, as the kernel requires. */
    private static final int REQUEST_BUFFER = Init.MAX_IO + 8192;
    private static final int REPLY_BUFFER = Init.MAX_IO + 4096;
    /** The largest request or answer body, for buffers of FUSE over io_uring. */
    public static final int PAYLOAD = REPLY_BUFFER;

    private final FuseDevice device;
    private final Operations operations;
    private final Init init;
    private final boolean debug;
    private final CountDownLatch initialized = new CountDownLatch(1);
    private final List<Thread> threads = new ArrayList<>();
    private final Interrupts interrupts = new Interrupts();
    private volatile String failedInit;

    /** Microseconds the first thread asks for the next request before it sleeps (see {@link PolledDevice}). */
    private final int spinMicros;

    /** What INIT agreed, once answered. */
    private volatile Negotiated agreed;
    /** Told what INIT agreed once its answer is written (FUSE over io_uring registers only then). */
    private volatile java.util.function.Consumer<Negotiated> afterInit = n -> { };

    /** @param uring ask the kernel for FUSE over io_uring (served by {@code uring.UringSession}) */
    public Session(FuseDevice device, Operations operations, boolean passthrough, boolean uring, boolean debug,
                   int spinMicros) {
        this.device = device;
        this.spinMicros = spinMicros;
        this.operations = operations;
        this.init = new Init(passthrough, uring);
        this.debug = debug;
    }

    public void afterInit(java.util.function.Consumer<Negotiated> then) {
        this.afterInit = then;
    }

    /** Mounts a new connection: with mount(2) as root, else through fusermount3. */
    public static FuseDevice mount(MountSettings settings) {
        if (Fusermount.needed()) return new FuseDevice(Fusermount.mount(settings.mountPoint(), settings.optionList()));
        FuseDevice device = FuseDevice.open();
        try {
            KernelMount.mount(device, settings);
        } catch (RuntimeException e) {
            device.close();
            throw e;
        }
        return device;
    }

    /** Detaches the mount at {@code mountPoint}, the way it was mounted. */
    public static void unmount(java.nio.file.Path mountPoint) {
        if (Fusermount.needed()) Fusermount.unmount(mountPoint, true);
        else dev.jfs.posix.Posix.umount(mountPoint.toString(), dev.jfs.posix.Posix.MNT_DETACH);
    }

    /**
     * Starts {@code count} request threads. With a spin time, the first asks for requests on a
     * non-blocking descriptor of its own and the others stand by, off the device, until it is
     * stuck on one request ({@link StandbyReaders}); without one, all sleep on the device.
     */
    public void start(int count) {
        Runtime runtime = Runtime.getSystemRuntime();
        PolledDevice polled = spinMicros > 0 ? PolledDevice.cloneOf(device.fd, spinMicros * 1000L, runtime) : null;
        StandbyReaders standby = polled != null && count > 1 ? new StandbyReaders(count - 1) : null;
        for (int i = 0; i < count; i++) {
            Runnable loop;
            if (i == 0 && polled != null) {
                loop = () -> poll(polled, standby, runtime);
            } else {
                FuseDevice own = i == 0 ? device : device.cloned();
                FuseDevice d = own != null ? own : device; // no cloning: the threads share the device
                loop = standby != null ? () -> standBy(d, standby, runtime) : () -> readAtWill(d, runtime);
            }
            Thread t = new dev.jfs.posix.PosixThread(loop, "fuse-" + i);
            t.setDaemon(true);
            t.start();
            threads.add(t);
        }
        if (standby != null) standby.start();
    }

    /** Waits until INIT is answered; false if the connection ended first or the wait timed out. */
    public boolean awaitInit(long seconds) throws InterruptedException {
        return initialized.await(seconds, TimeUnit.SECONDS) && failedInit == null;
    }

    public String failedInit() {
        return failedInit;
    }

    /** Waits until the filesystem is unmounted and every request thread has ended. */
    public void join() throws InterruptedException {
        for (Thread t : threads) t.join();
        if (initialized.getCount() > 0) {
            failedInit = "the kernel ended the connection before it was set up";
            initialized.countDown();
        }
    }

    /**
     * One thread's buffers: a request read into one, its answer built in the other. Made by the
     * thread that uses them, which keeps its {@link Cancellation} here too: a ThreadLocal look-up
     * per request is a call into the VM on C1.
     */
    private static final class Buffers {
        final Pointer in, out;
        final Request request;
        final Reply reply;
        final Cancellation cancellation = Cancellation.current();

        Buffers(Runtime runtime) {
            in = Memory.allocateDirect(runtime, REQUEST_BUFFER);
            out = Memory.allocateDirect(runtime, REPLY_BUFFER);
            request = new Request(in);
            reply = new Reply(out, REPLY_BUFFER);
        }
    }

    /** The polling thread: every request it can take, answered on its own descriptor. */
    private void poll(PolledDevice polled, StandbyReaders standby, Runtime runtime) {
        Buffers b = new Buffers(runtime);
        FuseDevice own = new FuseDevice(polled.fd);
        try {
            while (true) {
                int n = polled.next(b.in, REQUEST_BUFFER);
                if (n <= 0) break;
                if (standby != null) standby.pollerTook();
                try {
                    take(b, n, own);
                } finally {
                    if (standby != null) standby.pollerDone();
                }
            }
        } finally {
            if (standby != null) standby.close();
            own.close();
        }
    }

    /** A helper of the polling thread: reads only while the polling thread is stuck. */
    private void standBy(FuseDevice from, StandbyReaders standby, Runtime runtime) {
        Buffers b = new Buffers(runtime);
        try {
            while (standby.awaitTurn()) {
                do {
                    int n = from.read(b.in, REQUEST_BUFFER);
                    if (n <= 0) {
                        standby.helperLeft();
                        standby.close();
                        return;
                    }
                    standby.helperTook();
                    take(b, n, from);
                } while (standby.helperGoesOn());
            }
        } finally {
            if (from != device) from.close();
        }
    }

    /** Without a polling thread: every thread sleeps on the device, the kernel wakes one per request. */
    private void readAtWill(FuseDevice from, Runtime runtime) {
        Buffers b = new Buffers(runtime);
        try {
            while (true) {
                int n = from.read(b.in, REQUEST_BUFFER);
                if (n <= 0) break;
                take(b, n, from);
            }
        } finally {
            if (from != device) from.close();
        }
    }

    private void take(Buffers b, int n, FuseDevice from) {
        b.request.received(n);
        if (!b.request.complete()) {
            LOG.warning("dropped a malformed request of " + n + " bytes");
            return;
        }
        answer(b.request, b.reply, b.cancellation, from);
    }

    private void answer(Request request, Reply reply, Cancellation cancellation, FuseDevice to) {
        if (!respond(request, reply, -1, cancellation)) return;
        int length = reply.seal(request.unique());
        to.write(reply.buffer(), length); // false: the caller is gone (interrupted); nothing to do
        if (request.opcode() == Opcode.INIT && agreed != null) afterInit.accept(agreed);
    }

    /**
     * Has {@link Operations} answer one request that came over io_uring's queue {@code queue}
     * (never INIT): false if no answer is to be sent. Whatever it throws is answered as over the
     * device.
     */
    public boolean respond(Request request, Reply reply, int queue) {
        return respond(request, reply, queue, Cancellation.current());
    }

    /** {@link #respond(Request, Reply, int)} on a thread whose {@code cancellation} is at hand. */
    private boolean respond(Request request, Reply reply, int queue, Cancellation cancellation) {
        int opcode = request.opcode();
        reply.reset();
        if (debug) DebugLog.received(request, queue);
        try {
            if (opcode == Opcode.INIT) {
                if (queue >= 0) throw new FsException(Errno.EPROTO, "INIT over io_uring");
                initialize(request, reply);
            } else if (opcode == Opcode.INTERRUPT) {
                interrupts.interrupt(request.u64(0));
                reply.none();
            } else {
                interrupts.serving(request, cancellation);
                try {
                    operations.serve(request, reply);
                } finally {
                    cancellation.served();
                }
            }
        } catch (FsException e) {
            reply.error(e.errno());
            if (opcode == Opcode.INIT) initFailed(e.getMessage());
        } catch (RuntimeException | Error e) {
            LOG.log(Level.SEVERE, Opcode.name(opcode) + " of node " + request.nodeId() + " failed unexpectedly", e);
            reply.error(Errno.EIO);
        }
        if (debug) DebugLog.answered(request, reply);
        return !Opcode.unanswered(opcode) && reply.answered();
    }

    private void initialize(Request request, Reply reply) {
        Negotiated agreed = init.answer(request, reply);
        if (agreed == null) return;
        this.agreed = agreed;
        operations.initialized(agreed, device);
        // Before the answer is written: no request of the filesystem comes until then.
        initialized.countDown();
    }

    private void initFailed(String why) {
        failedInit = why;
        initialized.countDown();
    }
}
