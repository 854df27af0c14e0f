package dev.jfs.archive;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A tar of whole files with fixed metadata (mode 0644 or 0755, owner 0, mtime 0, no user or group
 * names), for image archives: the same entries in the same order give the same bytes. Names must
 * fit ustar's 100 bytes (image archives use {@code blobs/sha256/HEX}). A file's bytes go from its
 * channel straight to the output ({@code transferTo}: no copy through the JVM when the output is a
 * file). The caller closes the output.
 */
public final class FixedTarWriter {
    private static final int BLOCK = UstarHeader.RECORD;
    private static final byte DIR = '5', FILE = '0';

    private final WritableByteChannel out;
    private final byte[] header = new byte[BLOCK];
    private long written;

    public FixedTarWriter(WritableByteChannel out) {
        this.out = out;
    }

    /** A directory entry ({@code name} ends with '/'). */
    public void directory(String name) throws IOException {
        head(name.endsWith("/") ? name : name + "/", DIR, 0755, 0);
    }

    public void file(String name, byte[] content) throws IOException {
        head(name, FILE, 0644, content.length);
        write(ByteBuffer.wrap(content));
        pad(content.length);
    }

    /** A file whose bytes are those of {@code source}. */
    public void file(String name, Path source) throws IOException {
        try (FileChannel in = FileChannel.open(source, StandardOpenOption.READ)) {
            long size = in.size();
            head(name, FILE, 0644, size);
            long pos = 0;
            while (pos < size) {
                long n = in.transferTo(pos, size - pos, out);
                if (n <= 0) throw new IOException(source + ": shorter than its size while copying");
                pos += n;
            }
            written += size;
            pad(size);
        }
    }

    /** The end-of-archive blocks. */
    public void finish() throws IOException {
        write(ByteBuffer.allocate(2 * BLOCK));
    }

    /** Bytes written so far. */
    public long written() {
        return written;
    }

    private void head(String name, byte type, int mode, long size) throws IOException {
        if (name.getBytes(StandardCharsets.UTF_8).length > 100) throw new IllegalArgumentException("name too long: " + name);
        UstarHeader.format(header, name, type, mode, 0, 0, size, 0, null, 0, 0);
        write(ByteBuffer.wrap(header));
    }

    private void pad(long size) throws IOException {
        int rest = (int) (size % BLOCK);
        if (rest != 0) write(ByteBuffer.allocate(BLOCK - rest));
    }

    private void write(ByteBuffer b) throws IOException {
        written += b.remaining();
        while (b.hasRemaining()) out.write(b);
    }
}
