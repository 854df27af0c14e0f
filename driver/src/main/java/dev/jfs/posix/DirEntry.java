package dev.jfs.posix;

/** One name from readdir(3), with d_type (one of the DT_* values, DT_UNKNOWN if the fs gives none). */
public record DirEntry(String name, int dtype, long ino) {
    public static final int DT_UNKNOWN = 0;
    public static final int DT_FIFO = 1;
    public static final int DT_CHR = 2;
    public static final int DT_DIR = 4;
    public static final int DT_BLK = 6;
    public static final int DT_REG = 8;
    public static final int DT_LNK = 10;
    public static final int DT_SOCK = 12;

    /** d_type of an S_IF* mode. */
    public static int dtypeOf(int mode) {
        return (mode & Stat.S_IFMT) >>> 12;
    }
}
