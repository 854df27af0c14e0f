package dev.jfs.changes;

import dev.jfs.UserError;
import dev.jfs.posix.Stat;
import dev.jfs.union.Node;
import dev.jfs.union.UnionView;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Whether the entry at one path of the merged view differs from the lowers' entry there, by
 * what SPEC 4 counts for {@code jfs diff}: type, permission bits, owner, size (not of
 * directories, whose size is the filesystem's business), content, link target, device number,
 * xattrs. A copy-up that changed none of these is no change; one that changed only the mtime is
 * {@link Result#TOUCHED}, which a commit still carries so the merged view is rebuilt exactly.
 */
final class EntryComparison {
    enum Result { SAME, TOUCHED, CHANGED }

    private static final int CHUNK = 128 * 1024;

    private EntryComparison() {}

    static Result compare(UnionView mergedView, Node merged, UnionView lowerView, Node lower) {
        if (!mergedView.touchesUpper(merged) && merged.realPath().equals(lower.realPath())) return Result.SAME;
        Stat m = merged.stat(), l = lower.stat();
        boolean differs = m.type() != l.type() || m.permissions() != l.permissions()
                || m.uid() != l.uid() || m.gid() != l.gid()
                || (m.isRegular() && (m.size() != l.size() || !sameContent(merged, m, lower, l)))
                || (m.isSymlink() && !mergedView.readlink(merged).equals(lowerView.readlink(lower)))
                || (isDevice(m) && m.rdev() != l.rdev())
                || !EntryXattrs.equal(EntryXattrs.of(mergedView, merged), EntryXattrs.of(lowerView, lower));
        if (differs) return Result.CHANGED;
        return m.mtimeSec() != l.mtimeSec() || m.mtimeNsec() != l.mtimeNsec() ? Result.TOUCHED : Result.SAME;
    }

    private static boolean isDevice(Stat s) {
        return s.type() == Stat.S_IFCHR || s.type() == Stat.S_IFBLK;
    }

    /** Byte for byte; both files have the size already compared. */
    private static boolean sameContent(Node merged, Stat m, Node lower, Stat l) {
        if (m.dev() == l.dev() && m.ino() == l.ino()) return true;
        try (FileChannel a = open(merged.realPath()); FileChannel b = open(lower.realPath())) {
            ByteBuffer ba = ByteBuffer.allocate(CHUNK), bb = ByteBuffer.allocate(CHUNK);
            while (true) {
                ba.clear();
                bb.clear();
                int na = readFully(a, ba), nb = readFully(b, bb);
                if (na != nb) return false;
                if (na <= 0) return true;
                if (!ba.flip().equals(bb.flip())) return false;
            }
        } catch (IOException e) {
            throw new UserError("cannot compare /" + merged.path() + " with its lower copy (" + e.getMessage() + ")", e);
        }
    }

    private static FileChannel open(String path) throws IOException {
        return FileChannel.open(Path.of(path), StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
    }

    private static int readFully(FileChannel ch, ByteBuffer buf) throws IOException {
        int total = 0;
        while (buf.hasRemaining()) {
            int n = ch.read(buf);
            if (n < 0) return total == 0 ? -1 : total;
            total += n;
        }
        return total;
    }
}
