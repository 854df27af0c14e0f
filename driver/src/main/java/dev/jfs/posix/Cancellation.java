package dev.jfs.posix;

/**
 * What lets a long operation stop early: each thread serving requests says which request it
 * serves; whoever learns that the process behind that request is being killed cancels it, and
 * the operation, between two pieces of its work, {@link #check}s and gives up with EINTR. Only
 * copying a file's data checks, as the kernel's overlayfs stops a copy-up only for a fatal
 * signal. A request id is never reused by a connection, so a cancel that comes late cannot
 * reach the thread's next request.
 */
public final class Cancellation {
    private static final ThreadLocal<Cancellation> CURRENT = ThreadLocal.withInitial(Cancellation::new);

    private volatile long serving;
    private volatile int pid;
    private volatile long cancelled;
    /** Who keeps this thread's cancellation among its own (a session): set once, by that thread. */
    private Object keeper;

    public static Cancellation current() {
        return CURRENT.get();
    }

    /** Throws EINTR if the request this thread serves has been cancelled. */
    public static void check() {
        Cancellation c = CURRENT.get();
        long s = c.serving;
        if (s != 0 && c.cancelled == s) throw new FsException(Errno.EINTR, "cancelled: the process that asked is being killed");
    }

    /** This thread now serves request {@code unique} of process {@code pid}. */
    public void serving(long unique, int pid) {
        this.pid = pid;
        this.serving = unique;
    }

    public void served() {
        serving = 0;
    }

    /** The process whose request this thread serves, if it serves {@code unique}; else 0. */
    public int pidServing(long unique) {
        int p = pid;
        return unique != 0 && serving == unique ? p : 0;
    }

    /** Cancels request {@code unique} if this thread still serves it. */
    public void cancel(long unique) {
        cancelled = unique;
    }

    /** True the first time {@code keeper} asks: it then keeps this cancellation among its own. */
    public boolean keptBy(Object keeper) {
        if (this.keeper == keeper) return false;
        this.keeper = keeper;
        return true;
    }
}
