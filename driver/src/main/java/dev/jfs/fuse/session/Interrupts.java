package dev.jfs.fuse.session;

import dev.jfs.fuse.protocol.Request;
import dev.jfs.posix.Cancellation;
import dev.jfs.posix.Signals;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Which request each of the session's threads serves, so that an INTERRUPT reaches the one it
 * names. Only a process being killed has its request cancelled: for any other signal the request
 * goes on, as the kernel's overlayfs finishes a copy-up unless the signal is fatal.
 */
final class Interrupts {
    private final List<Cancellation> threads = new CopyOnWriteArrayList<>();

    /**
     * This thread, whose cancellation is {@code c} ({@link Cancellation#current}), serves
     * {@code request}; {@code c} is told when it is served.
     */
    void serving(Request request, Cancellation c) {
        if (c.keptBy(this)) threads.add(c);
        c.serving(request.unique(), request.pid());
    }

    /**
     * An INTERRUPT of request {@code unique}. A request not found is answered already, or its
     * thread has not said it serves it yet: either way it is served to its end.
     */
    void interrupt(long unique) {
        for (Cancellation c : threads) {
            int pid = c.pidServing(unique);
            if (pid == 0) continue;
            if (Signals.beingKilled(pid)) c.cancel(unique);
            return;
        }
    }
}
