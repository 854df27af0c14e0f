package dev.jfs.fuse.protocol;

import dev.jfs.posix.Stat;

/** Writes the attribute-carrying bodies: fuse_attr, fuse_entry_out, fuse_attr_out. */
public final class Attr {
    private Attr() {}

    /** A timeout in seconds as (seconds, nanoseconds). */
    public record Timeout(long sec, int nsec) {
        public static final Timeout NONE = new Timeout(0, 0);

        public static Timeout of(double seconds) {
            long s = (long) seconds;
            return new Timeout(s, (int) Math.round((seconds - s) * 1e9));
        }
    }

    /** struct fuse_attr (88 bytes), with {@code ino} in place of the stat's own. */
    public static void attr(Reply r, Stat s, long ino) {
        r.u64(ino).u64(s.size()).u64(s.blocks())
                .u64(s.atimeSec()).u64(s.mtimeSec()).u64(s.ctimeSec())
                .u32((int) s.atimeNsec()).u32((int) s.mtimeNsec()).u32((int) s.ctimeNsec())
                .u32(s.mode()).u32((int) s.nlink()).u32(s.uid()).u32(s.gid()).u32(encodeDev(s.rdev()))
                .u32((int) s.blksize()).u32(0);
    }

    /** struct fuse_entry_out (128 bytes). */
    public static void entry(Reply r, long nodeId, Stat s, long ino, Timeout entry, Timeout attr) {
        r.u64(nodeId).u64(0).u64(entry.sec()).u64(attr.sec()).u32(entry.nsec()).u32(attr.nsec());
        attr(r, s, ino);
    }

    /** A fuse_entry_out for a name that does not exist, cached as such for {@code negative}. */
    public static void negativeEntry(Reply r, Timeout negative) {
        r.u64(0).u64(0).u64(negative.sec()).u64(0).u32(negative.nsec()).u32(0).zeros(88);
    }

    /** struct fuse_attr_out (104 bytes). */
    public static void attrOut(Reply r, Stat s, long ino, Timeout attr) {
        r.u64(attr.sec()).u32(attr.nsec()).u32(0);
        attr(r, s, ino);
    }

    /** glibc's dev_t as the kernel's 32-bit new_encode_dev. */
    public static int encodeDev(long dev) {
        long major = Stat.major(dev), minor = Stat.minor(dev);
        return (int) ((minor & 0xff) | (major << 8) | ((minor & ~0xffL) << 12));
    }

    /** The kernel's 32-bit new_encode_dev as glibc's dev_t. */
    public static long decodeDev(int dev) {
        long d = dev & 0xffffffffL;
        long major = (d & 0xfff00) >> 8;
        long minor = (d & 0xff) | ((d >> 12) & 0xfff00);
        return ((major & 0xfffff000L) << 32) | ((major & 0xfff) << 8) | ((minor & 0xffffff00L) << 12) | (minor & 0xff);
    }
}
