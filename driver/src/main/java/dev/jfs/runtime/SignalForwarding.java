package dev.jfs.runtime;

import java.util.ArrayList;
import java.util.List;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * While a container runs, the signals that would end this process go to runc instead, which
 * passes them to the container's PID 1: Ctrl-C and {@code kill} reach the container, and this
 * process stays to unmount its root once it ends (the JVM's own handlers would exit at once).
 */
final class SignalForwarding implements AutoCloseable {
    private static final List<String> FORWARDED = List.of("INT", "TERM", "HUP");
    private final List<Signal> signals = new ArrayList<>();
    private final List<SignalHandler> previous = new ArrayList<>();

    SignalForwarding(long runcPid) {
        for (String name : FORWARDED) {
            Signal s = new Signal(name);
            previous.add(Signal.handle(s, got -> RuntimeLibC.get().kill((int) runcPid, got.getNumber())));
            signals.add(s);
        }
    }

    @Override
    public void close() {
        for (int i = 0; i < signals.size(); i++) Signal.handle(signals.get(i), previous.get(i));
    }
}
