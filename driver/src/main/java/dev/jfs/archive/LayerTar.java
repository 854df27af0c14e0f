package dev.jfs.archive;

import dev.jfs.UserError;
import dev.jfs.layout.Markers;
import dev.jfs.posix.Stat;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Writes an OCI layer tar, one entry at a time, streaming file data from disk: nothing of the
 * layer is held in memory. Every byte is determined by the entries given, so the same entries
 * give the same bytes:
 * <ul>
 *   <li>ustar headers with numeric uid/gid and empty user and group names, mtime in whole
 *       seconds, permission bits only, no atime or ctime anywhere;</li>
 *   <li>one PAX header, written by us as bytes, before each entry that needs one: a path or link
 *       target too long for ustar or not ASCII, numbers ustar cannot hold, and xattrs as
 *       {@code SCHILY.xattr.NAME} (sorted, binary values exact). commons-compress is set up to
 *       add no PAX header of its own;</li>
 *   <li>whiteouts and opaque markers as empty regular files, mode 0, owner 0, mtime 0.</li>
 * </ul>
 */
public final class LayerTar implements Closeable {
    private static final int NAME_FIELD = 100;
    private static final long OCTAL_11 = 077777777777L;
    private static final long OCTAL_7 = 07777777L;

    private final TarArchiveOutputStream tar;
    private final byte[] buffer = new byte[256 * 1024];
    private final LongConsumer progress;
    private long dataBytes;

    /** {@code progress}, if not null, hears the file bytes written so far. */
    public LayerTar(OutputStream out, LongConsumer progress) {
        this.tar = new TarArchiveOutputStream(out, StandardCharsets.UTF_8.name());
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_TRUNCATE); // our PAX path carries long names
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_STAR);   // ... and our PAX records big numbers
        tar.setAddPaxHeadersForNonAsciiNames(false);
        this.progress = progress;
    }

    /** A directory; {@code ""} is the layer's root, written as {@code ./}. */
    public void directory(String path, Stat st, Map<String, byte[]> xattrs) throws IOException {
        put(entry(path.isEmpty() ? "./" : path + "/", TarConstants.LF_DIR, st), null, xattrs);
        tar.closeArchiveEntry();
    }

    /** A regular file, its data read from {@code realPath} ({@code st.size()} bytes). */
    public void file(String path, Stat st, Map<String, byte[]> xattrs, String realPath) throws IOException {
        TarArchiveEntry e = entry(path, TarConstants.LF_NORMAL, st);
        e.setSize(st.size());
        put(e, null, xattrs);
        copyData(path, realPath, st.size());
        tar.closeArchiveEntry();
    }

    /** A regular file whose data is all in {@code data} (its {@code st.size()} bytes). */
    public void file(String path, Stat st, Map<String, byte[]> xattrs, byte[] data) throws IOException {
        TarArchiveEntry e = entry(path, TarConstants.LF_NORMAL, st);
        e.setSize(data.length);
        put(e, null, xattrs);
        tar.write(data);
        dataBytes += data.length;
        if (progress != null && data.length > 0) progress.accept(dataBytes);
        tar.closeArchiveEntry();
    }

    public void symlink(String path, Stat st, String target, Map<String, byte[]> xattrs) throws IOException {
        TarArchiveEntry e = entry(path, TarConstants.LF_SYMLINK, st);
        e.setLinkName(target);
        put(e, target, xattrs);
        tar.closeArchiveEntry();
    }

    /** A character or block device, or a FIFO. */
    public void special(String path, Stat st, Map<String, byte[]> xattrs) throws IOException {
        byte flag = switch (st.type()) {
            case Stat.S_IFCHR -> TarConstants.LF_CHR;
            case Stat.S_IFBLK -> TarConstants.LF_BLK;
            case Stat.S_IFIFO -> TarConstants.LF_FIFO;
            default -> throw new IllegalArgumentException("not a device or FIFO: " + path);
        };
        TarArchiveEntry e = entry(path, flag, st);
        if (flag != TarConstants.LF_FIFO) {
            e.setDevMajor((int) Stat.major(st.rdev()));
            e.setDevMinor((int) Stat.minor(st.rdev()));
        }
        put(e, null, xattrs);
        tar.closeArchiveEntry();
    }

    /** A second name of an entry already in this tar at {@code target}. */
    public void hardLink(String path, Stat st, String target) throws IOException {
        TarArchiveEntry e = entry(path, TarConstants.LF_LINK, st);
        e.setLinkName(target);
        put(e, target, Map.of());
        tar.closeArchiveEntry();
    }

    /** The OCI whiteout {@code DIR/.wh.NAME} for the removed {@code path} = DIR/NAME. */
    public void whiteout(String path) throws IOException {
        int slash = path.lastIndexOf('/');
        marker(path.substring(0, slash + 1) + Markers.WHITEOUT_PREFIX + path.substring(slash + 1));
    }

    /** The OCI opaque marker {@code DIR/.wh..wh..opq}: nothing below shows through {@code dir}. */
    public void opaque(String dir) throws IOException {
        marker(dir.isEmpty() ? Markers.OPAQUE_MARKER : dir + "/" + Markers.OPAQUE_MARKER);
    }

    /** Ends the archive (two zero records, padded to the block size). Does not close the stream. */
    public void finish() throws IOException {
        tar.finish();
    }

    @Override
    public void close() throws IOException {
        tar.close();
    }

    // ---- entries -------------------------------------------------------------------------------

    private void marker(String name) throws IOException {
        TarArchiveEntry e = bare(name, TarConstants.LF_NORMAL);
        e.setMode(0);
        e.setModTime(FileTime.fromMillis(0));
        put(e, null, Map.of());
        tar.closeArchiveEntry();
    }

    private static TarArchiveEntry entry(String name, byte flag, Stat st) {
        TarArchiveEntry e = bare(name, flag);
        e.setMode(st.permissions());
        e.setUserId(st.uid() & 0xffffffffL);
        e.setGroupId(st.gid() & 0xffffffffL);
        e.setModTime(FileTime.from(st.mtimeSec(), TimeUnit.SECONDS));
        return e;
    }

    private static TarArchiveEntry bare(String name, byte flag) {
        TarArchiveEntry e = new TarArchiveEntry(name, flag, true);
        e.setUserName(""); // commons-compress fills in the running user's name
        e.setGroupName("");
        e.setUserId(0L);
        e.setGroupId(0L);
        return e;
    }

    /** Writes the PAX header the entry needs, if any, then the entry's own header. */
    private void put(TarArchiveEntry e, String linkTarget, Map<String, byte[]> xattrs) throws IOException {
        PaxRecords pax = new PaxRecords();
        if (!fitsUstar(e.getName())) pax.put("path", e.getName());
        if (linkTarget != null && !fitsUstar(linkTarget)) pax.put("linkpath", linkTarget);
        if (e.getSize() > OCTAL_11) pax.put("size", Long.toString(e.getSize()));
        if (e.getLongUserId() > OCTAL_7) pax.put("uid", Long.toString(e.getLongUserId()));
        if (e.getLongGroupId() > OCTAL_7) pax.put("gid", Long.toString(e.getLongGroupId()));
        long mtime = e.getLastModifiedTime().to(TimeUnit.SECONDS);
        if (mtime < 0 || mtime > OCTAL_11) pax.put("mtime", Long.toString(mtime));
        for (Map.Entry<String, byte[]> x : xattrs.entrySet()) pax.put("SCHILY.xattr." + x.getKey(), x.getValue());
        if (!pax.isEmpty()) {
            byte[] records = pax.encode();
            TarArchiveEntry h = bare(paxHeaderName(e.getName()), TarConstants.LF_PAX_EXTENDED_HEADER_LC);
            h.setMode(0644);
            h.setModTime(FileTime.fromMillis(0));
            h.setSize(records.length);
            tar.putArchiveEntry(h);
            tar.write(records);
            tar.closeArchiveEntry();
        }
        tar.putArchiveEntry(e);
    }

    /** ASCII and short enough for the ustar name field. */
    private static boolean fitsUstar(String s) {
        if (s.length() >= NAME_FIELD) return false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c > 0x7e) return false;
        }
        return true;
    }

    /** GNU tar's name for a PAX header, {@code DIR/PaxHeaders/NAME}, made ASCII and short. */
    private static String paxHeaderName(String name) {
        String trimmed = name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
        int slash = trimmed.lastIndexOf('/');
        String dir = slash < 0 ? "." : trimmed.substring(0, slash);
        String s = (dir + "/PaxHeaders/" + trimmed.substring(slash + 1)).replaceAll("[^\\x21-\\x7e]", "_");
        return s.length() < NAME_FIELD ? s : "PaxHeaders/" + Integer.toHexString(name.hashCode());
    }

    private void copyData(String path, String realPath, long size) throws IOException {
        try (FileChannel ch = FileChannel.open(Path.of(realPath), StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            ByteBuffer buf = ByteBuffer.wrap(buffer);
            long left = size;
            while (left > 0) {
                buf.clear().limit((int) Math.min(buffer.length, left));
                int n = ch.read(buf);
                if (n < 0) throw shrank(path);
                tar.write(buffer, 0, n);
                left -= n;
                dataBytes += n;
                if (progress != null) progress.accept(dataBytes);
            }
        }
    }

    static UserError shrank(String path) {
        return new UserError("/" + path + ": shrank while being committed (is it still being written?)");
    }
}
