package dev.jfs.fuse;

import static dev.jfs.fuse.FuseProtocol.*;

import dev.jfs.UserError;
import dev.jfs.posix.Errno;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;
import com.kenai.jffi.CallContext;
import com.kenai.jffi.CallingConvention;
import com.kenai.jffi.Invoker;
import com.kenai.jffi.Type;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

/**
 * libfuse2's request loop, run on our own Java threads. libfuse's multithreaded loop calls back
 * on native threads it creates and drops; jffi attaches each to the JVM for one callback and
 * detaches it again, which cost about 100 µs a request here (10x fuse-overlayfs). Our threads
 * are attached once: each receives a request from the kernel and lets libfuse's high-level
 * layer dispatch it to the callbacks of {@link JfsFuse}. A few kinds of request take a detour
 * through a {@link CaptureChannel}, so that jfs can complete what libfuse2 answers: INIT
 * ({@link InitReply}), READDIRPLUS ({@link ReaddirPlus}), and OPEN and CREATE, whose files may be
 * passed through to the kernel ({@link PassthroughOpens}). Directories are opened by the
 * kernel without asking ({@link DirectoryHandles}; on kernels before 5.1, OPENDIR answers are
 * widened instead, {@link CachedDirectories}). READ and WRITE are answered without libfuse
 * ({@link FileData}). FORGET, BATCH_FORGET, RELEASE and RELEASEDIR are looked at
 * on their way ({@link ListedDirectories}, {@link DirectoryHandles}).
 */
final class FuseLoop {
    private static final Logger LOG = Logger.getLogger(FuseLoop.class.getName());
    /** The libfuse2 calls that fuse_main makes for us, bound so we can make them ourselves. */
    public interface LibFuse2 {
        int fuse_parse_cmdline(Pointer args, Pointer mountpoint, Pointer multithreaded, Pointer foreground);
        Pointer fuse_mount(String mountpoint, Pointer args);
        void fuse_unmount(String mountpoint, Pointer ch);
        void fuse_destroy(Pointer f);
        Pointer fuse_get_session(Pointer f);
        int fuse_chan_recv(Pointer chp, Pointer buf, long size);
        void fuse_session_process(Pointer se, Pointer buf, long len, Pointer ch);
        int fuse_session_exited(Pointer se);
        void fuse_session_exit(Pointer se);
        long fuse_chan_bufsize(Pointer ch);
        int fuse_chan_fd(Pointer ch);
    }

    /** dlvsym: libfuse.so.2 also exports an old-ABI fuse_new unversioned, which dlsym may pick. */
    public interface Dl {
        Pointer dlopen(String file, int mode);
        Pointer dlvsym(Pointer handle, String symbol, String version);
    }

    private static final int RTLD_NOW = 2;

    private final LibFuse2 lib;
    private final Runtime runtime;
    private String mountPoint;
    private final List<Pointer> keepAlive = new ArrayList<>();
    private Pointer channel;
    private Pointer fuse;
    private Pointer session;
    private final ListedDirectories listed = new ListedDirectories();
    private final DirectoryHandles directories = new DirectoryHandles(listed);
    private final MadeFiles madeFiles = new MadeFiles();
    private NameLookups nameLookups;
    private JfsFuse callbacks;
    private boolean debug;
    private PassthroughOpens passthrough;

    /** Binds libfuse2 (slow: jnr generates code), so it is done while other start-up work runs. */
    FuseLoop() {
        this.lib = LibraryLoader.create(LibFuse2.class).failImmediately().load("fuse");
        this.runtime = Runtime.getRuntime(lib);
    }

    /**
     * Mounts (the kernel sees the mount from here on) and sets up libfuse's high-level layer.
     *
     * @param passthrough whether files may be passed through to the kernel ({@link PassthroughOpens})
     */
    void mount(String mountPoint, List<String> fuseArgs, JfsFuse callbacks, boolean debug, boolean passthrough) {
        this.mountPoint = mountPoint;
        this.callbacks = callbacks;
        this.debug = debug;
        List<String> all = new ArrayList<>(fuseArgs);
        all.add(mountPoint);
        Pointer args = args(all);
        // As fuse_main does: normalize the arguments first, then mount, then the high-level layer.
        Pointer out = Memory.allocateDirect(runtime, 3 * 8, true);
        if (lib.fuse_parse_cmdline(args, out, out.slice(8), out.slice(16)) != 0) {
            throw new UserError("mounting " + mountPoint + " failed (libfuse refused the options)");
        }
        channel = lib.fuse_mount(mountPoint, args);
        if (channel == null || channel.address() == 0) {
            throw new UserError("mounting " + mountPoint + " failed (libfuse could not mount it; see the line above)");
        }
        fuse = fuseNew(channel, args, callbacks.operations(), callbacks.operationsSize());
        if (fuse == null || fuse.address() == 0) {
            lib.fuse_unmount(mountPoint, channel);
            throw new UserError("mounting " + mountPoint + " failed (libfuse refused the options)");
        }
        session = lib.fuse_get_session(fuse);
        this.passthrough = new PassthroughOpens(lib.fuse_chan_fd(channel), passthrough, callbacks::tookPassthroughCandidate,
                (nodeid, fd) -> {
                    if (callbacks.madeByCreate(fd)) madeFiles.made(nodeid);
                });
        callbacks.passThroughWhile(this.passthrough::enabled);
    }

    /** fuse_new@FUSE_2.6, the API this code is written for, called by address. */
    private Pointer fuseNew(Pointer ch, Pointer args, Pointer ops, long opsSize) {
        Dl dl = LibraryLoader.create(Dl.class).failImmediately().load("c");
        Pointer handle = dl.dlopen("libfuse.so.2", RTLD_NOW);
        Pointer fn = handle == null ? null : dl.dlvsym(handle, "fuse_new", "FUSE_2.6");
        if (fn == null || fn.address() == 0) throw new UserError("libfuse.so.2 has no fuse_new@FUSE_2.6: libfuse2 2.6 or newer is needed");
        Type p = Type.POINTER;
        CallContext ctx = CallContext.getCallContext(p, new Type[] {p, p, p, Type.UINT64, p}, CallingConvention.DEFAULT, false);
        long f = Invoker.getInstance().invokeN5(ctx, fn.address(), ch.address(), args.address(), ops.address(), opsSize, 0);
        return f == 0 ? null : Pointer.wrap(runtime, f);
    }

    /**
     * Serves requests on {@code threads} threads until the filesystem is unmounted. With a spin
     * time, the first thread reads from a descriptor of its own and keeps asking that long after
     * each request before it sleeps ({@link PolledDevice}); the others stand by, off the device,
     * until it has been stuck on one request for a millisecond ({@link StandbyReaders}). Without
     * a spin time all of them sleep on the mount's descriptor, the kernel waking one per request.
     */
    void run(int threads, int spinMicros) {
        StandbyReaders standby = spinMicros > 0 && threads > 1 ? new StandbyReaders(threads - 1) : null;
        List<Thread> workers = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            long spinNanos = i == 0 ? spinMicros * 1000L : 0;
            Thread t = new Thread(() -> new RequestThread(spinNanos, standby).serve(), "fuse-" + i);
            t.start();
            workers.add(t);
        }
        if (standby != null) standby.start();
        for (Thread t : workers) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        lib.fuse_unmount(mountPoint, channel); // no-op if already unmounted; closes the channel
        lib.fuse_destroy(fuse);
    }

    /** One loop thread: where it reads requests from, and what it answers some of them with. */
    private final class RequestThread {
        private final long size = Math.max(lib.fuse_chan_bufsize(channel), InitReply.BUFFER);
        private final Pointer buf = Memory.allocateDirect(runtime, (int) size);
        private final Pointer chp = Memory.allocateDirect(runtime, runtime.addressSize());
        /**
         * Null if libfuse's channel is not laid out as known: then INIT and everything else go
         * through libfuse as they are (128 KiB requests, no READDIRPLUS, no polling).
         */
        private final CaptureChannel capture = CaptureChannel.of(lib, runtime, session, channel, InitReply.BUFFER);
        private final PolledDevice device;
        /** Where answers go: to the descriptor the request came from. */
        private final int deviceFd;
        private final Pointer answerChannel;
        private final ReaddirPlus readdirPlus;
        private final Pointer scratch = DirectoryHandles.scratch(runtime);
        private final FileData fileData = new FileData(buf, callbacks::writesNeedName, debug);

        /** The standby of the loop's other threads; null if they all read the device at will. */
        private final StandbyReaders standby;
        /** One of the other threads, not the one meant to poll. */
        private final boolean helper;

        RequestThread(long spinNanos, StandbyReaders standby) {
            this.helper = spinNanos == 0;
            if (capture == null) LOG.warning("libfuse's struct fuse_chan is not laid out as expected: 128 KiB requests, no READDIRPLUS");
            device = spinNanos > 0 && capture != null ? PolledDevice.cloneOf(lib.fuse_chan_fd(channel), spinNanos, runtime) : null;
            this.standby = standby;
            // Meant to poll but the kernel refused a clone of the device: nobody would watch for
            // the others, so they read at will, as this thread does.
            if (!helper && device == null && standby != null) standby.noPoller();
            deviceFd = device != null ? device.fd : lib.fuse_chan_fd(channel);
            answerChannel = device != null ? CaptureChannel.copy(runtime, channel, device.fd, lib.fuse_chan_bufsize(channel)) : channel;
            readdirPlus = capture == null ? null : new ReaddirPlus(runtime, capture, nameLookups(), listed, deviceFd);
        }

        void serve() {
            if (device != null) poll();
            else if (standby != null && helper) standBy();
            else readAtWill();
        }

        /** The polling thread: every request it can take. */
        private void poll() {
            while (lib.fuse_session_exited(session) == 0) {
                int n = device.next(buf, size);
                if (n <= 0) break;
                if (standby != null) standby.pollerTook();
                try {
                    answerOrFail(n);
                } finally {
                    if (standby != null) standby.pollerDone();
                }
            }
            ended();
        }

        /** A helper of a polling thread: reads only while the watchdog lets it. */
        private void standBy() {
            while (standby.awaitTurn() && lib.fuse_session_exited(session) == 0) {
                do {
                    int n = receive();
                    if (n <= 0) {
                        standby.helperLeft();
                        ended();
                        return;
                    }
                    standby.helperTook();
                    answerOrFail(n);
                } while (standby.helperGoesOn());
            }
        }

        /** Without a polling thread: every thread reads the device, the kernel wakes one per request. */
        private void readAtWill() {
            while (lib.fuse_session_exited(session) == 0) {
                int n = receive();
                if (n <= 0) break;
                answerOrFail(n);
            }
            ended();
        }

        /**
         * The next request from the mount's descriptor, blocking: its length, or 0 or less once
         * unmounted or the loop is ending.
         */
        private int receive() {
            while (true) {
                chp.putPointer(0, channel);
                int n = lib.fuse_chan_recv(chp, buf, size);
                boolean interrupted = n == -Errno.EINTR || n == -Errno.EAGAIN || n == -Errno.ENOENT;
                if (!interrupted) return n;
                if (lib.fuse_session_exited(session) != 0) return 0; // try again, unless ending
            }
        }

        /** Unmounted (ENODEV gives 0) or the channel failed: every thread ends. */
        private void ended() {
            lib.fuse_session_exit(session);
            if (standby != null) standby.close();
        }

        /** Every request is answered, even where answering it threw: see {@link FailedRequests}. */
        private void answerOrFail(int n) {
            try {
                answer(n);
            } catch (Throwable t) {
                FailedRequests.answer(deviceFd, buf, scratch, t);
            }
        }

        private void answer(int n) {
            switch (capture == null ? 0 : buf.getInt(IN_OPCODE)) { // struct fuse_in_header: len, opcode, ...
                case FUSE_READ, FUSE_WRITE -> {
                    if (!fileData.answer(deviceFd, n)) libfuse(n);
                }
                case FUSE_READDIRPLUS, FUSE_READDIR -> list(n);
                case FUSE_OPENDIR -> {
                    if (directories.enabled()) directories.refuse(deviceFd, buf, n, scratch);
                    else CachedDirectories.answer(capture, deviceFd, buf, n);
                }
                case FUSE_OPEN, FUSE_CREATE -> {
                    if (passthrough.enabled()) passthrough.answer(capture, deviceFd, buf, n, scratch);
                    else other(n);
                }
                case FUSE_RELEASE -> {
                    passthrough.releasing(buf);
                    other(n);
                }
                case FUSE_INIT -> {
                    directories.init(buf, n);
                    boolean offered = PassthroughOpens.offered(buf, n);
                    if (!InitReply.answer(capture, deviceFd, buf, n, passthrough.enabled() && offered)) passthrough.disable();
                }
                default -> other(n);
            }
        }

        private void other(int n) {
            if (directories.enabled() && directories.refuse(deviceFd, buf, n, scratch)) return;
            if (!debug && madeFiles.answer(deviceFd, buf, n, scratch)) return;
            madeFiles.observe(buf, n);
            listed.observe(buf, n);
            directories.forgetting(capture, buf, n, scratch);
            libfuse(n);
        }

        /** A chunk of a directory listing; on a libfuse handle of our own if the kernel opened the directory itself. */
        private void list(int n) {
            boolean plus = buf.getInt(IN_OPCODE) == FUSE_READDIRPLUS;
            if (!directories.enabled() || buf.getLong(IN_FH) != 0) {
                if (plus) readdirPlus.answer(buf, n);
                else libfuse(n);
                return;
            }
            long fh = directories.handleFor(capture, buf, scratch);
            if (fh < 0) {
                DirectoryHandles.fail(deviceFd, buf, (int) fh, scratch);
                return;
            }
            buf.putLong(IN_FH, fh);
            long next = -1; // plain READDIR (only with READDIRPLUS off): each chunk listed afresh
            if (plus) next = readdirPlus.answer(buf, n);
            else libfuse(n);
            directories.served(capture, buf, fh, next, scratch);
        }

        /** libfuse answers the request, to the kernel. */
        private void libfuse(int n) {
            chp.putPointer(0, answerChannel);
            lib.fuse_session_process(session, buf, n, chp.getPointer(0));
        }
    }

    /** One for all loop threads: they share its helper threads. */
    private synchronized NameLookups nameLookups() {
        if (nameLookups == null) nameLookups = new NameLookups(lib, runtime, session, channel);
        return nameLookups;
    }

    /** A struct fuse_args {argc, argv, allocated} in native memory; kept alive with this loop. */
    private Pointer args(List<String> fuseArgs) {
        List<String> all = new ArrayList<>();
        all.add("jfs");
        all.addAll(fuseArgs);
        int ptr = runtime.addressSize();
        Pointer argv = Memory.allocateDirect(runtime, ptr * (all.size() + 1), true);
        for (int i = 0; i < all.size(); i++) {
            byte[] b = all.get(i).getBytes(StandardCharsets.UTF_8);
            Pointer s = Memory.allocateDirect(runtime, b.length + 1, true);
            s.put(0, b, 0, b.length);
            keepAlive.add(s);
            argv.putPointer((long) i * ptr, s);
        }
        Pointer args = Memory.allocateDirect(runtime, 3 * 8, true);
        args.putInt(0, all.size());
        args.putPointer(8, argv);
        args.putInt(16, 0);
        keepAlive.add(argv);
        keepAlive.add(args);
        return args;
    }
}
