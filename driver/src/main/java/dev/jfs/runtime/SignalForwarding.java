package dev.jfs.runtime;

import java.util.ArrayList;
import java.util.List;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * While a container runs, the signals that would end this process go to runc instead, which
 * passes them to the container's PID 1: Ctrl-C and {@code kill} reach the container, and this
 * process stays to unmount its root once it ends (the JVM's own handlers would exit at once).
 * A PID 1 ignores what it has no handler for (a shell does SIGTERM and SIGHUP): if the container
 * is still there {@link #GRACE_MILLIS} after a SIGTERM or SIGHUP (a closed terminal), it is killed,
 * as {@code docker stop} does, rather than left running on a mount nobody will unmount.
 */
final class SignalForwarding implements AutoCloseable {
    static final long GRACE_MILLIS = 10_000;
    private static final List<String> FORWARDED = List.of("INT", "TERM", "HUP");
    private final List<Signal> signals = new ArrayList<>();
    private final List<SignalHandler> previous = new ArrayList<>();
    private final Process runc;
    private final Runnable killContainer;

    SignalForwarding(Process runc, Runnable killContainer) {
        this.runc = runc;
        this.killContainer = killContainer;
        for (String name : FORWARDED) {
            Signal s = new Signal(name);
            previous.add(Signal.handle(s, this::forward));
            signals.add(s);
        }
    }

    private void forward(Signal got) {
        RuntimeLibC.get().kill((int) runc.pid(), got.getNumber());
        if (got.getName().equals("INT")) return;
        Thread t = new Thread(() -> {
            try {
                Thread.sleep(GRACE_MILLIS);
                if (runc.isAlive()) killContainer.run();
            } catch (InterruptedException ignored) {
                // this process is ending anyway
            }
        }, "kill-after-grace");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() {
        for (int i = 0; i < signals.size(); i++) Signal.handle(signals.get(i), previous.get(i));
    }
}
