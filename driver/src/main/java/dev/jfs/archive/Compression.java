package dev.jfs.archive;

import com.github.luben.zstd.ZstdOutputStream;
import dev.jfs.UserError;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Locale;
import java.util.zip.GZIPOutputStream;

/** How a layer blob is compressed. Each is deterministic: the same tar gives the same blob. */
public enum Compression {
    NONE, GZIP, ZSTD;

    /** {@code none}, {@code gzip} or {@code zstd}. */
    public static Compression parse(String name) {
        try {
            return valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new UserError("--compress " + name + ": use none, gzip or zstd");
        }
    }

    /** A stream compressing into {@code out}; closing it ends the stream and closes {@code out}. */
    public OutputStream wrap(OutputStream out) throws IOException {
        return switch (this) {
            case NONE -> out;
            // java.util.zip writes a fixed header (no name, mtime 0): reproducible.
            case GZIP -> new GZIPOutputStream(out, 256 * 1024);
            case ZSTD -> new ZstdOutputStream(out, 3);
        };
    }
}
