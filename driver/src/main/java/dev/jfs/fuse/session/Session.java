package dev.jfs.fuse.session;

import dev.jfs.fuse.protocol.Opcode;
import dev.jfs.fuse.protocol.Reply;
import dev.jfs.fuse.protocol.Request;
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
 * failed request never ends the session. The session ends when the filesystem is unmounted.
 */
public final class Session {
    private static final Logger LOG = Logger.getLogger(Session.class.getName());
    /** A request's buffer: the largest WRITE plus its headers, as the kernel requires. */
    private static final int REQUEST_BUFFER = Init.MAX_IO + 8192;
    private static final int REPLY_BUFFER = Init.MAX_IO + 4096;

    private final FuseDevice device;
    private final Operations operations;
    private final Init init;
    private final boolean debug;
    private final CountDownLatch initialized = new CountDownLatch(1);
    private final List<Thread> threads = new ArrayList<>();
    private volatile String failedInit;

    public Session(FuseDevice device, Operations operations, boolean passthrough, boolean debug) {
        this.device = device;
        this.operations = operations;
        this.init = new Init(passthrough);
        this.debug = debug;
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

    /** Starts {@code count} request threads. */
    public void start(int count) {
        Runtime runtime = Runtime.getSystemRuntime();
        for (int i = 0; i < count; i++) {
            FuseDevice own = i == 0 ? device : device.cloned();
            if (own == null) own = device; // no cloning: the threads share the device
            FuseDevice d = own;
            Thread t = new Thread(() -> serve(d, runtime), "fuse-" + i);
            t.setDaemon(true);
            t.start();
            threads.add(t);
        }
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

    private void serve(FuseDevice from, Runtime runtime) {
        Pointer in = Memory.allocateDirect(runtime, REQUEST_BUFFER);
        Pointer out = Memory.allocateDirect(runtime, REPLY_BUFFER);
        Request request = new Request(in);
        Reply reply = new Reply(out, REPLY_BUFFER);
        try {
            while (true) {
                int n = from.read(in, REQUEST_BUFFER);
                if (n <= 0) break;
                request.received(n);
                if (!request.complete()) {
                    LOG.warning("dropped a malformed request of " + n + " bytes");
                    continue;
                }
                answer(request, reply, from);
            }
        } finally {
            if (from != device) from.close();
        }
    }

    private void answer(Request request, Reply reply, FuseDevice to) {
        int opcode = request.opcode();
        reply.reset();
        if (debug) DebugLog.received(request);
        try {
            if (opcode == Opcode.INIT) {
                initialize(request, reply);
            } else {
                operations.serve(request, reply);
            }
        } catch (FsException e) {
            reply.error(e.errno());
            if (opcode == Opcode.INIT) initFailed(e.getMessage());
        } catch (RuntimeException | Error e) {
            LOG.log(Level.SEVERE, Opcode.name(opcode) + " of node " + request.nodeId() + " failed unexpectedly", e);
            reply.error(Errno.EIO);
        }
        if (debug) DebugLog.answered(request, reply);
        if (Opcode.unanswered(opcode) || !reply.answered()) return;
        int length = reply.seal(request.unique());
        to.write(reply.buffer(), length); // false: the caller is gone (interrupted); nothing to do
    }

    private void initialize(Request request, Reply reply) {
        Negotiated agreed = init.answer(request, reply);
        if (agreed == null) return;
        operations.initialized(agreed, device);
        // Before the answer is written: no request of the filesystem comes until then.
        initialized.countDown();
    }

    private void initFailed(String why) {
        failedInit = why;
        initialized.countDown();
    }
}
