package dev.jfs.archive;

import com.github.luben.zstd.ZstdInputStream;
import dev.jfs.UserError;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * Opens a layer as a stream of uncompressed tar, whatever it was stored as. The format is told by
 * the first bytes (magic numbers), never by the file name: gzip ({@code 1f 8b}), zstd
 * ({@code 28 b5 2f fd}), else plain tar. Formats jfs cannot read (bzip2, xz) and empty input fail
 * at once with a {@link UserError}; a corrupt compressed stream fails on the read that meets it,
 * with a {@link UserError} naming the source and the format.
 */
public final class Decompress {
    /** What the first bytes of a layer say it is. */
    public enum Format {
        TAR("tar"), GZIP("gzip"), ZSTD("zstd");

        private final String label;

        Format(String label) {
            this.label = label;
        }

        @Override
        public String toString() {
            return label;
        }
    }

    private static final int PEEK = 6;

    private Decompress() {}

    /** The format of a stream that supports mark/reset; the stream is left where it was. */
    public static Format detect(InputStream in, String source) throws IOException {
        byte[] head = new byte[PEEK];
        in.mark(PEEK);
        int n = in.readNBytes(head, 0, PEEK);
        in.reset();
        if (n == 0) throw new UserError(source + ": empty file, not a layer");
        if (n >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b) return Format.GZIP;
        if (n >= 4 && (head[0] & 0xff) == 0x28 && (head[1] & 0xff) == 0xb5
                && (head[2] & 0xff) == 0x2f && (head[3] & 0xff) == 0xfd) {
            return Format.ZSTD;
        }
        if (n >= 3 && head[0] == 'B' && head[1] == 'Z' && head[2] == 'h') {
            throw new UserError(source + ": bzip2-compressed; jfs reads tar, tar.gz and tar.zst layers");
        }
        if (n >= 6 && (head[0] & 0xff) == 0xfd && head[1] == '7' && head[2] == 'z' && head[3] == 'X'
                && head[4] == 'Z' && head[5] == 0) {
            throw new UserError(source + ": xz-compressed; jfs reads tar, tar.gz and tar.zst layers");
        }
        return Format.TAR;
    }

    /**
     * The uncompressed tar inside {@code raw}. The returned stream owns {@code raw} (closing it
     * closes both). Read errors of the decompressor become {@link UserError}s such as
     * {@code layer.tgz: corrupt gzip stream (...)}.
     */
    public static Opened open(InputStream raw, String source) throws IOException {
        InputStream buffered = raw.markSupported() ? raw : new BufferedInputStream(raw, 1 << 16);
        Format format = detect(buffered, source);
        InputStream tar;
        try {
            tar = switch (format) {
                case GZIP -> new GzipCompressorInputStream(buffered, true);
                case ZSTD -> new BufferedInputStream(new ZstdInputStream(buffered), 1 << 16);
                case TAR -> buffered;
            };
        } catch (IOException e) {
            throw corrupt(source, format, e);
        }
        InputStream out = format == Format.TAR ? tar : new Guarded(tar, source, format);
        return new Opened(out, format);
    }

    /** An open layer stream and the format it was found in. */
    public record Opened(InputStream stream, Format format) {}

    static UserError corrupt(String source, Format format, IOException e) {
        String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return new UserError(source + ": corrupt " + format + " stream (" + why + ")", e);
    }

    /** Turns the decompressor's IOExceptions into one-line user errors naming the source. */
    private static final class Guarded extends FilterInputStream {
        private final String source;
        private final Format format;

        Guarded(InputStream in, String source, Format format) {
            super(in);
            this.source = source;
            this.format = format;
        }

        @Override
        public int read() throws IOException {
            try {
                return in.read();
            } catch (IOException e) {
                throw corrupt(source, format, e);
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return in.read(b, off, len);
            } catch (IOException e) {
                throw corrupt(source, format, e);
            }
        }

        @Override
        public long skip(long n) throws IOException {
            try {
                return in.skip(n);
            } catch (IOException e) {
                throw corrupt(source, format, e);
            }
        }

        @Override
        public boolean markSupported() {
            return false;
        }
    }
}
