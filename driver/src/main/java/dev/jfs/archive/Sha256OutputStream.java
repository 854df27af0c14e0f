package dev.jfs.archive;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;

/** Passes bytes through, counting them and computing their sha256. */
final class Sha256OutputStream extends FilterOutputStream {
    private final MessageDigest sha256;
    private long count;

    Sha256OutputStream(OutputStream out) {
        super(out);
        sha256 = Sha256.newDigest();
    }

    @Override
    public void write(int b) throws IOException {
        out.write(b);
        sha256.update((byte) b);
        count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
        sha256.update(b, off, len);
        count += len;
    }

    long count() {
        return count;
    }

    /** {@code sha256:<hex>} of everything written; call once, at the end. */
    String digest() {
        return Sha256.finish(sha256);
    }
}
