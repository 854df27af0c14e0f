package dev.jfs.archive;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/** Passes bytes through, counting them and, if asked, computing their sha256. */
final class Sha256OutputStream extends FilterOutputStream {
    private final Sha256 sha256;
    private long count;

    /** @param hash whether to compute the digest; without it, {@link #digest} may not be called */
    Sha256OutputStream(OutputStream out, boolean hash) {
        super(out);
        sha256 = hash ? Sha256.create() : null;
    }

    @Override
    public void write(int b) throws IOException {
        out.write(b);
        if (sha256 != null) sha256.update((byte) b);
        count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
        if (sha256 != null) sha256.update(b, off, len);
        count += len;
    }

    long count() {
        return count;
    }

    /** {@code sha256:<hex>} of everything written; call once, at the end. */
    String digest() {
        return sha256.finish();
    }
}
