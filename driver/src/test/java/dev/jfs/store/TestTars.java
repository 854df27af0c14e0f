package dev.jfs.store;

import com.github.luben.zstd.ZstdOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.function.Consumer;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/** Builds tars for tests, hostile ones included, with commons-compress's writer. */
public final class TestTars {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final TarArchiveOutputStream tar;

    public TestTars() {
        tar = new TarArchiveOutputStream(bytes);
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
    }

    private TestTars put(TarArchiveEntry e, byte[] data, Consumer<TarArchiveEntry> tweak) {
        try {
            if (tweak != null) tweak.accept(e);
            tar.putArchiveEntry(e);
            if (data != null) tar.write(data);
            tar.closeArchiveEntry();
            return this;
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    public TestTars dir(String name, int mode) {
        return dir(name, mode, null);
    }

    public TestTars dir(String name, int mode, Consumer<TarArchiveEntry> tweak) {
        TarArchiveEntry e = new TarArchiveEntry(name.endsWith("/") ? name : name + "/", TarArchiveEntry.LF_DIR, true);
        e.setMode(040000 | mode);
        e.setModTime(1_600_000_000_000L);
        return put(e, null, tweak);
    }

    public TestTars file(String name, String content) {
        return file(name, content.getBytes(StandardCharsets.UTF_8), 0644, null);
    }

    public TestTars file(String name, byte[] content, int mode, Consumer<TarArchiveEntry> tweak) {
        TarArchiveEntry e = new TarArchiveEntry(name, true);
        e.setMode(0100000 | mode);
        e.setSize(content.length);
        e.setModTime(1_600_000_000_000L);
        return put(e, content, tweak);
    }

    public TestTars symlink(String name, String target) {
        TarArchiveEntry e = new TarArchiveEntry(name, TarArchiveEntry.LF_SYMLINK, true);
        e.setLinkName(target);
        e.setMode(0120777);
        e.setModTime(1_600_000_000_000L);
        return put(e, null, null);
    }

    public TestTars hardLink(String name, String target) {
        TarArchiveEntry e = new TarArchiveEntry(name, TarArchiveEntry.LF_LINK, true);
        e.setLinkName(target);
        e.setMode(0100644);
        return put(e, null, null);
    }

    public TestTars device(String name, boolean chr, int major, int minor) {
        TarArchiveEntry e = new TarArchiveEntry(name, chr ? TarArchiveEntry.LF_CHR : TarArchiveEntry.LF_BLK, true);
        e.setMode((chr ? 020000 : 060000) | 0600);
        e.setDevMajor(major);
        e.setDevMinor(minor);
        return put(e, null, null);
    }

    /** An entry of any type flag, without data. */
    public TestTars entry(String name, byte flag) {
        TarArchiveEntry e = new TarArchiveEntry(name, flag, true);
        e.setMode(0100644);
        return put(e, null, null);
    }

    public TestTars fifo(String name) {
        TarArchiveEntry e = new TarArchiveEntry(name, TarArchiveEntry.LF_FIFO, true);
        e.setMode(010644);
        return put(e, null, null);
    }

    /** The finished tar (with its end-of-archive blocks). */
    public byte[] bytes() {
        try {
            tar.finish();
            tar.close();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return bytes.toByteArray();
    }

    public static byte[] gzip(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream gz = new GzipCompressorOutputStream(out)) {
            gz.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    public static byte[] zstd(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZstdOutputStream z = new ZstdOutputStream(out)) {
            z.setChecksum(true); // as the zstd tool writes by default
            z.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    public static String sha256(byte[] data) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
