package dev.jfs.posix;

/** The fields of struct stat that jfs uses. Times are seconds plus nanoseconds. */
public record Stat(long dev, long ino, int mode, long nlink, int uid, int gid, long rdev, long size,
                   long blksize, long blocks, long atimeSec, long atimeNsec, long mtimeSec, long mtimeNsec,
                   long ctimeSec, long ctimeNsec) {

    public static final int S_IFMT = 0170000;
    public static final int S_IFSOCK = 0140000;
    public static final int S_IFLNK = 0120000;
    public static final int S_IFREG = 0100000;
    public static final int S_IFBLK = 0060000;
    public static final int S_IFDIR = 0040000;
    public static final int S_IFCHR = 0020000;
    public static final int S_IFIFO = 0010000;

    public int type() { return mode & S_IFMT; }
    public int permissions() { return mode & 07777; }
    public boolean isDirectory() { return type() == S_IFDIR; }
    public boolean isRegular() { return type() == S_IFREG; }
    public boolean isSymlink() { return type() == S_IFLNK; }

    /** overlayfs's whiteout: a character device with device number 0/0. */
    public boolean isWhiteoutDevice() { return type() == S_IFCHR && rdev == 0; }

    /** The major number of a dev_t (st_dev, st_rdev), as glibc's gnu_dev_major encodes it. */
    public static long major(long dev) {
        return ((dev >>> 8) & 0xfff) | ((dev >>> 32) & ~0xfffL);
    }

    /** The minor number of a dev_t, as glibc's gnu_dev_minor encodes it. */
    public static long minor(long dev) {
        return (dev & 0xff) | ((dev >>> 12) & ~0xffL);
    }

    public Stat withIno(long newIno) {
        return withInoAndNlink(newIno, nlink);
    }

    /** This stat as the union shows it: its inode number and link count. */
    public Stat withInoAndNlink(long newIno, long newNlink) {
        return new Stat(dev, newIno, mode, newNlink, uid, gid, rdev, size, blksize, blocks,
                atimeSec, atimeNsec, mtimeSec, mtimeNsec, ctimeSec, ctimeNsec);
    }
}
