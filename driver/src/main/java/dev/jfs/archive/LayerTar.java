package dev.jfs.archive;

import dev.jfs.UserError;
import dev.jfs.layout.Markers;
import dev.jfs.posix.Posix;
import dev.jfs.posix.Stat;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;
import java.util.function.LongConsumer;
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
 *       {@code SCHILY.xattr.NAME} (sorted, binary values exact). A name is written as the bytes
 *       it has on disk ({@link dev.jfs.posix.Names}), UTF-8 or not, as GNU tar and Go's
 *       archive/tar write it (no {@code hdrcharset} record, which GNU tar warns about);</li>
 *   <li>whiteouts and opaque markers as empty regular files, mode 0, owner 0, mtime 0;</li>
 *   <li>two zero records at the end, and no padding to a block size (as commons-compress wrote it).</li>
 * </ul>
 * Headers are laid out by {@link UstarHeader}, as commons-compress's tar writer laid them out
 * when jfs used it here (the same entries still give the same bytes).
 */
public final class LayerTar implements Closeable {
    private static final int NAME_FIELD = 100;
    private static final long OCTAL_11 = 077777777777L;
    private static final long OCTAL_7 = 07777777L;
    private static final byte[] ZEROS = new byte[UstarHeader.RECORD];

    private final OutputStream out;
    private final byte[] record = new byte[UstarHeader.RECORD];
    private final byte[] buffer = new byte[256 * 1024];
    private final LongConsumer progress;
    private long dataBytes;
    private boolean finished;
    /** Set while an entry's data is being written: an archive cut there is not finished. */
    private boolean inEntry;

    /** {@code progress}, if not null, hears the file bytes written so far. */
    public LayerTar(OutputStream out, LongConsumer progress) {
        this.out = out;
        this.progress = progress;
    }

    /** A directory; {@code ""} is the layer's root, written as {@code ./}. */
    public void directory(String path, Stat st, Map<String, byte[]> xattrs) throws IOException {
        put(path.isEmpty() ? "./" : path + "/", TarConstants.LF_DIR, st, 0, null, xattrs);
    }

    /** A regular file, its data read from {@code realPath} ({@code st.size()} bytes). */
    public void file(String path, Stat st, Map<String, byte[]> xattrs, String realPath) throws IOException {
        put(path, TarConstants.LF_NORMAL, st, st.size(), null, xattrs);
        inEntry = true;
        copyData(path, realPath, st.size());
        endData(st.size());
    }

    /** A regular file whose data is all in {@code data} (its {@code st.size()} bytes). */
    public void file(String path, Stat st, Map<String, byte[]> xattrs, byte[] data) throws IOException {
        put(path, TarConstants.LF_NORMAL, st, data.length, null, xattrs);
        out.write(data);
        dataBytes += data.length;
        if (progress != null && data.length > 0) progress.accept(dataBytes);
        endData(data.length);
    }

    public void symlink(String path, Stat st, String target, Map<String, byte[]> xattrs) throws IOException {
        put(path, TarConstants.LF_SYMLINK, st, 0, target, xattrs);
    }

    /** A character or block device, or a FIFO. */
    public void special(String path, Stat st, Map<String, byte[]> xattrs) throws IOException {
        byte flag = switch (st.type()) {
            case Stat.S_IFCHR -> TarConstants.LF_CHR;
            case Stat.S_IFBLK -> TarConstants.LF_BLK;
            case Stat.S_IFIFO -> TarConstants.LF_FIFO;
            default -> throw new IllegalArgumentException("not a device or FIFO: " + path);
        };
        put(path, flag, st, 0, null, xattrs);
    }

    /** A second name of an entry already in this tar at {@code target}. */
    public void hardLink(String path, Stat st, String target) throws IOException {
        put(path, TarConstants.LF_LINK, st, 0, target, Map.of());
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

    /** Ends the archive (two zero records). Does not close the stream. */
    public void finish() throws IOException {
        if (finished) return;
        if (inEntry) throw new IOException("the layer tar ends inside an entry");
        out.write(ZEROS);
        out.write(ZEROS);
        out.flush();
        finished = true;
    }

    /** Ends the archive if it can be ended (not in the middle of an entry), then closes the stream. */
    @Override
    public void close() throws IOException {
        try {
            if (!finished && !inEntry) finish();
        } finally {
            out.close();
        }
    }

    // ---- entries -------------------------------------------------------------------------------

    private void marker(String name) throws IOException {
        header(name, TarConstants.LF_NORMAL, 0, 0, 0, 0, 0, null, 0, 0, Map.of());
    }

    private void put(String name, byte type, Stat st, long size, String linkTarget, Map<String, byte[]> xattrs)
            throws IOException {
        boolean device = type == TarConstants.LF_CHR || type == TarConstants.LF_BLK;
        header(name, type, st.permissions(), st.uid() & 0xffffffffL, st.gid() & 0xffffffffL, size, st.mtimeSec(),
                linkTarget, device ? Stat.major(st.rdev()) : 0, device ? Stat.minor(st.rdev()) : 0, xattrs);
    }

    /** Writes the PAX header the entry needs, if any, then the entry's own header. */
    private void header(String name, byte type, int mode, long uid, long gid, long size, long mtime, String linkTarget,
                        long devMajor, long devMinor, Map<String, byte[]> xattrs) throws IOException {
        PaxRecords pax = null;
        if (!fitsUstar(name)) pax = put(pax, "path", name);
        if (linkTarget != null && !fitsUstar(linkTarget)) pax = put(pax, "linkpath", linkTarget);
        if (size > OCTAL_11) pax = put(pax, "size", Long.toString(size));
        if (uid > OCTAL_7) pax = put(pax, "uid", Long.toString(uid));
        if (gid > OCTAL_7) pax = put(pax, "gid", Long.toString(gid));
        if (mtime < 0 || mtime > OCTAL_11) pax = put(pax, "mtime", Long.toString(mtime));
        for (Map.Entry<String, byte[]> x : xattrs.entrySet()) {
            if (pax == null) pax = new PaxRecords();
            pax.put("SCHILY.xattr." + x.getKey(), x.getValue());
        }
        if (pax != null) {
            byte[] records = pax.encode();
            UstarHeader.format(record, paxHeaderName(name), TarConstants.LF_PAX_EXTENDED_HEADER_LC, 0644, 0, 0,
                    records.length, 0, null, 0, 0);
            out.write(record);
            out.write(records);
            endData(records.length);
        }
        UstarHeader.format(record, name, type, mode, uid, gid, size, mtime, linkTarget, devMajor, devMinor);
        out.write(record);
    }

    private static PaxRecords put(PaxRecords pax, String key, String value) {
        PaxRecords p = pax == null ? new PaxRecords() : pax;
        p.put(key, value);
        return p;
    }

    /** After an entry's {@code size} bytes of data: zeros up to the end of its last record. */
    private void endData(long size) throws IOException {
        int tail = (int) (size % UstarHeader.RECORD);
        if (tail != 0) out.write(ZEROS, 0, UstarHeader.RECORD - tail);
        inEntry = false;
    }

    /** ASCII and short enough for the ustar name field. */
    static boolean fitsUstar(String s) {
        if (s.length() >= NAME_FIELD) return false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c > 0x7e) return false;
        }
        return true;
    }

    /** GNU tar's name for a PAX header, {@code DIR/PaxHeaders/NAME}, made ASCII and short. */
    static String paxHeaderName(String name) {
        String trimmed = name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
        int slash = trimmed.lastIndexOf('/');
        String dir = slash < 0 ? "." : trimmed.substring(0, slash);
        String s = (dir + "/PaxHeaders/" + trimmed.substring(slash + 1)).replaceAll("[^\\x21-\\x7e]", "_");
        return s.length() < NAME_FIELD ? s : "PaxHeaders/" + Integer.toHexString(name.hashCode());
    }

    /** Through {@link Posix}, not {@code java.nio.file}: a layer path need not be UTF-8. */
    private void copyData(String path, String realPath, long size) throws IOException {
        int fd = Posix.open(realPath, Posix.O_RDONLY | Posix.O_NOFOLLOW, 0);
        try {
            long done = 0;
            while (done < size) {
                int n = Posix.readFully(fd, buffer, (int) Math.min(buffer.length, size - done), done);
                if (n == 0) throw shrank(path);
                out.write(buffer, 0, n);
                done += n;
                dataBytes += n;
                if (progress != null) progress.accept(dataBytes);
            }
        } finally {
            Posix.libc().close(fd);
        }
    }

    static UserError shrank(String path) {
        return new UserError("/" + path + ": shrank while being committed (is it still being written?)");
    }
}
