package dev.jfs.archive;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * The uncompressed tar as it passes to the tar parser: its digest is {@code sha256sum} of the
 * uncompressed tar (the OCI diffID), and it can keep a copy of an entry's header bytes.
 */
final class ExtractDigestStream extends DigestingInputStream {
    private static final int CAPTURE_LIMIT = 8 << 20;
    private byte[] capture;
    private int captured;
    private boolean overflow;

    ExtractDigestStream(InputStream in) {
        super(in, null);
    }

    @Override
    protected void take(byte[] b, int off, int n) throws IOException {
        super.take(b, off, n);
        if (capture != null) keep(b, off, n);
    }

    @Override
    public synchronized void mark(int limit) {}

    @Override
    public synchronized void reset() throws IOException {
        throw new IOException("mark/reset not supported");
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
        return Arrays.copyOf(c, captured);
    }

    private void keep(byte[] b, int off, int n) {
        if (overflow) return;
        if (captured + n > CAPTURE_LIMIT) {
            overflow = true;
            return;
        }
        if (captured + n > capture.length) {
            capture = Arrays.copyOf(capture, Math.max(capture.length * 2, captured + n));
        }
        System.arraycopy(b, off, capture, captured, n);
        captured += n;
    }
}
