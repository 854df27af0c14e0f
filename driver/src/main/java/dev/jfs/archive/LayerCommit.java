package dev.jfs.archive;

import dev.jfs.changes.StackViews;
import dev.jfs.changes.WalkAhead;
import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * {@code jfs commit}: a container's changes written as one OCI layer, streamed (no layer is ever
 * held in memory), with its digests computed on the way.
 */
public final class LayerCommit {
    /**
     * @param diffId     {@code sha256:} of the uncompressed tar (the OCI diffID)
     * @param size       bytes of the uncompressed tar
     * @param blobDigest {@code sha256:} of the blob as written (equal to diffId when not compressed)
     * @param blobSize   bytes of the blob
     * @param entries    tar entries, whiteouts and markers included
     */
    public record Result(String diffId, long size, String blobDigest, long blobSize, long entries) {}

    private LayerCommit() {}

    /**
     * Writes the layer of {@code views} to {@code blob}, compressed as asked, and the same layer
     * uncompressed to {@code tarCopy} too if it is not null (the store keeps that one). Neither
     * stream is closed. {@code progress} hears file bytes written; {@code warnings} hears what
     * could not be stored.
     */
    public static Result write(StackViews views, Compression compression, OutputStream blob, OutputStream tarCopy,
                               LongConsumer progress, Consumer<String> warnings) throws IOException {
        // Uncompressed, the blob is the tar: its digest is the diffID, so its bytes are hashed once.
        Sha256OutputStream blobDigest = new Sha256OutputStream(new CloseShield(blob), compression != Compression.NONE);
        OutputStream compressed = compression.wrap(blobDigest);
        Sha256OutputStream tarDigest = new Sha256OutputStream(tarCopy == null ? compressed : new Tee(compressed, tarCopy), true);
        ChangesetWriter writer;
        try (LayerTar tar = new LayerTar(new BufferedOutputStream(tarDigest, 1 << 20), progress)) {
            writer = new ChangesetWriter(views.merged(), tar, warnings);
            try {
                WalkAhead.walk(views, writer::readAhead, writer::accept);
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
            tar.finish();
        } // closing ends the compressed stream; the shield keeps the caller's streams open
        return new Result(tarDigest.digest(), tarDigest.count(),
                compression == Compression.NONE ? null : blobDigest.digest(), blobDigest.count(), writer.entries());
    }

    /** Flushes instead of closing: the caller owns the stream. */
    private static final class CloseShield extends FilterOutputStream {
        CloseShield(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            out.flush();
        }
    }

    /** Writes to two streams; closing closes the first only (the second is the caller's). */
    private static final class Tee extends FilterOutputStream {
        private final OutputStream second;

        Tee(OutputStream first, OutputStream second) {
            super(first);
            this.second = second;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            second.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            second.write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            out.flush();
            second.flush();
        }

        @Override
        public void close() throws IOException {
            second.flush();
            out.close();
        }
    }
}
