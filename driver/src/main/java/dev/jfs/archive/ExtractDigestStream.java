package dev.jfs.archive;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * The uncompressed tar as it passes to the tar parser: counts and hashes every byte, so that the
 * digest is {@code sha256sum} of the uncompressed tar (the OCI diffID). Skips are done by reading,
 * so that no byte (entry padding, end-of-archive blocks) escapes the digest.
 */
final class ExtractDigestStream extends FilterInputStream {
    private final Sha256 sha256;
    private final byte[] skipBuffer = new byte[8192];
    private long count;
    private byte[] capture;
    private int captured;
    private boolean overflow;
    private static final int CAPTURE_LIMIT = 8 << 20;

    ExtractDigestStream(InputStream in) {
        super(in);
        sha256 = Sha256.create();
    }

    @Override
    public int read() throws IOException {
        int b = in.read();
        if (b >= 0) {
            sha256.update((byte) b);
            count++;
            if (capture != null) keep(new byte[] {(byte) b}, 0, 1);
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = in.read(b, off, len);
        if (n > 0) {
            sha256.update(b, off, n);
            count += n;
            if (capture != null) keep(b, off, n);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long done = 0;
        while (done < n) {
            int r = read(skipBuffer, 0, (int) Math.min(skipBuffer.length, n - done));
            if (r < 0) break;
            done += r;
        }
        return done;
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    @Override
    public synchronized void mark(int limit) {}

    @Override
    public synchronized void reset() throws IOException {
        throw new IOException("mark/reset not supported");
    }

    /** Reads what is left of the stream (trailing padding after the end-of-archive blocks). */
    void drain() throws IOException {
        byte[] buf = new byte[1 << 16];
        while (read(buf, 0, buf.length) >= 0) {
            // hashed and counted by read
        }
    }

    /** Starts keeping a copy of the bytes read (an entry's headers), up to a limit. */
    void startCapture() {
        if (capture == null) capture = new byte[16384];
        captured = 0;
        overflow = false;
    }

    /** The bytes read since {@link #startCapture()}, or null if there were too many to keep. */
    byte[] stopCapture() {
        byte[] c = capture;
        capture = null;
        if (overflow || c == null) return null;
        return java.util.Arrays.copyOf(c, captured);
    }

    private void keep(byte[] b, int off, int n) {
        if (overflow) return;
        if (captured + n > CAPTURE_LIMIT) {
            overflow = true;
            return;
        }
        if (captured + n > capture.length) {
            capture = java.util.Arrays.copyOf(capture, Math.max(capture.length * 2, captured + n));
        }
        System.arraycopy(b, off, capture, captured, n);
        captured += n;
    }

    long count() {
        return count;
    }

    /** {@code sha256:<hex>} of everything read so far. */
    String digest() {
        return sha256.finish();
    }
}
