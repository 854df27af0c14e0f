package dev.jfs.build;

import com.github.luben.zstd.ZstdInputStream;
import dev.jfs.UserError;
import dev.jfs.posix.Stat;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.tukaani.xz.XZInputStream;

/**
 * ADD's local archives: a tar, plain or compressed with gzip, bzip2, xz or zstd (known by their
 * first bytes, as docker knows them), extracted into the destination keeping each entry's
 * owner, mode and time. Names are taken relative to the destination and never leave it.
 */
final class Archives {
    private Archives() {}

    private enum Compression { NONE, GZIP, BZIP2, XZ, ZSTD }

    static boolean isArchive(String hostPath) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(Path.of(hostPath)))) {
            Compression c = detect(in);
            if (c == null) return false;
            try (InputStream plain = decompress(in, c)) {
                byte[] header = plain.readNBytes(512);
                return header.length == 512 && TarArchiveInputStream.matches(header, header.length);
            } catch (IOException e) {
                return false;
            }
        }
    }

    private static Compression detect(InputStream in) throws IOException {
        in.mark(8);
        byte[] m = in.readNBytes(6);
        in.reset();
        if (m.length >= 2 && (m[0] & 0xff) == 0x1f && (m[1] & 0xff) == 0x8b) return Compression.GZIP;
        if (m.length >= 3 && m[0] == 'B' && m[1] == 'Z' && m[2] == 'h') return Compression.BZIP2;
        if (m.length >= 6 && (m[0] & 0xff) == 0xfd && m[1] == '7' && m[2] == 'z' && m[3] == 'X' && m[4] == 'Z' && m[5] == 0) return Compression.XZ;
        if (m.length >= 4 && (m[0] & 0xff) == 0x28 && (m[1] & 0xff) == 0xb5 && (m[2] & 0xff) == 0x2f && (m[3] & 0xff) == 0xfd) return Compression.ZSTD;
        return Compression.NONE;
    }

    private static InputStream decompress(InputStream in, Compression c) throws IOException {
        switch (c) {
            case GZIP: return new GZIPInputStream(in, 1 << 16);
            case BZIP2: return new BZip2CompressorInputStream(in, true);
            case XZ: return new XZInputStream(in);
            case ZSTD: return new ZstdInputStream(in);
            default: return in;
        }
    }

    static void extract(String hostPath, String destDir, RootWriter out, String instruction) throws IOException {
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(Path.of(hostPath)));
             TarArchiveInputStream tar = new TarArchiveInputStream(decompress(raw, detect(raw)))) {
            java.util.List<String[]> dirTimes = new java.util.ArrayList<>();
            for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
                String rel = SourceTree.relative(e.getName());
                if (rel.isEmpty()) continue;
                String target = SourceTree.join(destDir, rel);
                out.mkdirs(SourceTree.join(destDir, SourceTree.parentOf(rel)), 0, 0);
                int uid = (int) e.getLongUserId(), gid = (int) e.getLongGroupId();
                int mode = e.getMode() & 07777;
                long sec = e.getLastModifiedTime().toMillis() / 1000;
                if (e.isDirectory()) {
                    out.directory(target, mode, uid, gid);
                    dirTimes.add(new String[] {target, Long.toString(sec)});
                } else if (e.isSymbolicLink()) {
                    out.symlink(target, e.getLinkName(), uid, gid);
                    out.times(target, sec, 0);
                } else if (e.isLink()) {
                    out.hardlink(SourceTree.join(destDir, SourceTree.relative(e.getLinkName())), target);
                } else if (e.isFile()) {
                    out.file(target, tar, mode, uid, gid);
                    out.times(target, sec, 0);
                } else if (e.isFIFO()) {
                    out.special(target, Stat.S_IFIFO | mode, 0, uid, gid);
                } else if (e.isCharacterDevice() || e.isBlockDevice()) {
                    int type = e.isCharacterDevice() ? Stat.S_IFCHR : Stat.S_IFBLK;
                    long rdev = ((long) e.getDevMajor() << 8) | (e.getDevMinor() & 0xff) | ((long) (e.getDevMinor() & ~0xff) << 12);
                    out.special(target, type | mode, rdev, uid, gid);
                }
            }
            for (int i = dirTimes.size() - 1; i >= 0; i--) out.times(dirTimes.get(i)[0], Long.parseLong(dirTimes.get(i)[1]), 0);
        } catch (IOException e) {
            throw new UserError(instruction + ": " + hostPath + ": cannot extract the archive (" + e.getMessage() + ")", e);
        }
    }
}
