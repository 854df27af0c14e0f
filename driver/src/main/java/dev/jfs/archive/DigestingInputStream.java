package dev.jfs.archive;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Passes bytes through while computing their sha256 and count, and copies them to {@code copy}
 * if one is given: how a layer blob is kept exactly as it arrived while it is being extracted
 * (the copy is the blob; the digest names it). Skips read, so no byte escapes the digest.
 */
public class DigestingInputStream extends FilterInputStream {
    private final Sha256 sha256 = Sha256.create();
    private final OutputStream copy;
    private final byte[] skipBuffer = new byte[8192];
    private long count;
    private String digest;

    /** @param copy where every byte read also goes, or null */
    public DigestingInputStream(InputStream in, OutputStream copy) {
        super(in);
        this.copy = copy;
    }

    @Override
    public int read() throws IOException {
        int b = in.read();
        if (b >= 0) take(new byte[] {(byte) b}, 0, 1);
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = in.read(b, off, len);
        if (n > 0) take(b, off, n);
        return n;
    }

    /** Every byte read passes here once; a subclass may look at them too. */
    protected void take(byte[] b, int off, int n) throws IOException {
        sha256.update(b, off, n);
        if (copy != null) copy.write(b, off, n);
        count += n;
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

    /** Reads to the end (what a decompressor left unread still belongs to the blob). */
    public void drain() throws IOException {
        byte[] buf = new byte[1 << 16];
        while (read(buf, 0, buf.length) >= 0) {
            // digested and copied by read
        }
    }

    /** Bytes read so far. */
    public long count() {
        return count;
    }

    /** {@code sha256:<hex>} of everything read; call at the end (later calls give the same). */
    public String digest() {
        if (digest == null) digest = sha256.finish();
        return digest;
    }
}
