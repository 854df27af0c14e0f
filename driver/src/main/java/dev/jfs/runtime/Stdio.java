package dev.jfs.runtime;

import java.io.InputStream;
import java.io.OutputStream;

/**
 * Where a container's standard streams go: this process's own descriptors, passed to runc and
 * on to the container as they are (what {@code jfs run} does, so a terminal stays a terminal),
 * or streams a caller reads and feeds (a builder's RUN step: no input, output streamed).
 */
public final class Stdio {
    private final InputStream in;
    private final OutputStream out;
    private final OutputStream err;
    private final boolean input;

    private Stdio(InputStream in, OutputStream out, OutputStream err, boolean input) {
        this.in = in;
        this.out = out;
        this.err = err;
        this.input = input;
    }

    /** The container gets this process's stdin, stdout and stderr. */
    public static Stdio inherit() {
        return new Stdio(null, null, null, true);
    }

    /** The container gets this process's stdout and stderr, and no input (docker run without -i). */
    public static Stdio inheritOutput() {
        return new Stdio(null, null, null, false);
    }

    /** Output copied to {@code out} and {@code err} as it comes; input from {@code in}, or none if null. */
    public static Stdio streams(InputStream in, OutputStream out, OutputStream err) {
        if (out == null || err == null) throw new IllegalArgumentException("out and err are needed");
        return new Stdio(in, out, err, in != null);
    }

    boolean inherits() {
        return out == null;
    }

    /** Whether the container reads input (else its stdin is /dev/null). */
    boolean hasInput() {
        return input;
    }

    InputStream in() {
        return in;
    }

    OutputStream out() {
        return out;
    }

    OutputStream err() {
        return err;
    }
}
