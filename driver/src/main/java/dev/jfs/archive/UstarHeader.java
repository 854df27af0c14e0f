package dev.jfs.archive;

import dev.jfs.posix.Names;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.archivers.tar.TarUtils;
import org.apache.commons.compress.archivers.zip.ZipEncoding;
import org.apache.commons.compress.archivers.zip.ZipEncodingHelper;

/**
 * One ustar header record, laid out field by field exactly as commons-compress's
 * {@code TarArchiveOutputStream} lays it out in star mode (as jfs wrote layers before this class:
 * the same entries still give the same bytes and digests, which {@code UstarHeaderTest} checks
 * against commons-compress itself). Numbers and the checksum are formatted by commons-compress's
 * {@link TarUtils}; what this class saves is the rest of the way through
 * {@code TarArchiveEntry} and the stream: an entry object, a charset encoder for every name
 * and two buffering streams per header. That way cost about a third of a 50k-file commit's
 * main thread, which is its bottleneck.
 */
final class UstarHeader {
    static final int RECORD = 512;

    private static final int NAME = 0, MODE = 100, UID = 108, GID = 116, SIZE = 124, MTIME = 136, CHECKSUM = 148,
            TYPE = 156, LINK = 157, MAGIC = 257, DEV_MAJOR = 329, DEV_MINOR = 337;
    /** "ustar\0" and "00", the magic and the version after it, as commons-compress writes them. */
    private static final byte[] MAGIC_AND_VERSION = (TarConstants.MAGIC_POSIX + TarConstants.VERSION_POSIX)
            .getBytes(StandardCharsets.US_ASCII);
    private static final ZipEncoding UTF_8 = ZipEncodingHelper.getZipEncoding(StandardCharsets.UTF_8);

    private UstarHeader() {}

    /**
     * Fills {@code record} (512 bytes) with the header of one entry. User and group names are
     * left empty; {@code linkName} may be null. Numbers too big for octal are written as star's
     * binary numbers (the caller adds a PAX record for them).
     */
    static void format(byte[] record, String name, byte type, long mode, long uid, long gid, long size, long mtime,
                       String linkName, long devMajor, long devMinor) {
        Arrays.fill(record, (byte) 0);
        name(name, record, NAME);
        TarUtils.formatLongOctalOrBinaryBytes(mode, record, MODE, 8);
        TarUtils.formatLongOctalOrBinaryBytes(uid, record, UID, 8);
        TarUtils.formatLongOctalOrBinaryBytes(gid, record, GID, 8);
        TarUtils.formatLongOctalOrBinaryBytes(size, record, SIZE, 12);
        TarUtils.formatLongOctalOrBinaryBytes(mtime, record, MTIME, 12);
        Arrays.fill(record, CHECKSUM, CHECKSUM + 8, (byte) ' ');
        record[TYPE] = type;
        if (linkName != null) name(linkName, record, LINK);
        System.arraycopy(MAGIC_AND_VERSION, 0, record, MAGIC, MAGIC_AND_VERSION.length);
        TarUtils.formatLongOctalOrBinaryBytes(devMajor, record, DEV_MAJOR, 8);
        TarUtils.formatLongOctalOrBinaryBytes(devMinor, record, DEV_MINOR, 8);
        TarUtils.formatCheckSumOctalBytes(TarUtils.computeCheckSum(record), record, CHECKSUM, 8);
    }

    /**
     * A name field of 100 bytes: the name's bytes, cut to fit (a longer name's whole entry is in
     * a PAX record). ASCII, by far the commonest, is copied as it is; other UTF-8 goes through
     * commons-compress, which cuts it at a character, not inside one; a name holding bytes that
     * are not UTF-8 ({@link Names}) is cut the same way, and its bytes are written as they are.
     */
    private static void name(String s, byte[] record, int offset) {
        int n = s.length();
        for (int i = 0; i < n; i++) {
            if (s.charAt(i) >= 0x80) {
                if (hasLoneSurrogate(s)) {
                    byte[] b = fitted(s);
                    System.arraycopy(b, 0, record, offset, b.length);
                    return;
                }
                try {
                    TarUtils.formatNameBytes(s, record, offset, TarConstants.NAMELEN, UTF_8);
                } catch (IOException e) {
                    throw new UncheckedIOException(e); // commons-compress's encoder replaces, never throws
                }
                return;
            }
        }
        for (int i = 0, end = Math.min(n, TarConstants.NAMELEN); i < end; i++) record[offset + i] = (byte) s.charAt(i);
    }

    /** The bytes of the longest start of {@code s}, whole characters only, that fits the name field. */
    private static byte[] fitted(String s) {
        int len = s.length();
        byte[] b = Names.encode(s);
        while (b.length > TarConstants.NAMELEN) {
            len--;
            if (len > 0 && Character.isHighSurrogate(s.charAt(len - 1)) && Character.isLowSurrogate(s.charAt(len))) len--;
            b = Names.encode(s.substring(0, len));
        }
        return b;
    }

    /** A surrogate that is not half of a pair: one of {@link Names}' escaped bytes. */
    static boolean hasLoneSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return true;
            }
        }
        return false;
    }
}
