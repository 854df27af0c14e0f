package dev.jfs.changes;

import dev.jfs.UserError;
import dev.jfs.posix.FsException;
import dev.jfs.posix.Posix;
import dev.jfs.posix.Stat;
import dev.jfs.union.Node;
import dev.jfs.union.UnionView;
import java.util.Arrays;

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

    /**
     * Byte for byte; both files have the size already compared. Through {@link Posix}, not
     * {@code java.nio.file}, which cannot open a layer path whose names are not UTF-8.
     */
    private static boolean sameContent(Node merged, Stat m, Node lower, Stat l) {
        if (m.dev() == l.dev() && m.ino() == l.ino()) return true;
        int a = -1, b = -1;
        try {
            a = open(merged.realPath());
            b = open(lower.realPath());
            byte[] ba = new byte[CHUNK], bb = new byte[CHUNK];
            for (long offset = 0; ; ) {
                int na = Posix.readFully(a, ba, CHUNK, offset), nb = Posix.readFully(b, bb, CHUNK, offset);
                if (na != nb || !Arrays.equals(ba, 0, na, bb, 0, nb)) return false;
                if (na < CHUNK) return true;
                offset += na;
            }
        } catch (FsException e) {
            throw new UserError("cannot compare /" + merged.path() + " with its lower copy (" + e.getMessage() + ")", e);
        } finally {
            if (a >= 0) Posix.libc().close(a);
            if (b >= 0) Posix.libc().close(b);
        }
    }

    private static int open(String path) {
        return Posix.open(path, Posix.O_RDONLY | Posix.O_NOFOLLOW, 0);
    }
}
