package dev.jfs.fuse;

/**
 * The parts of the kernel's FUSE protocol ({@code include/uapi/linux/fuse.h}) that jfs reads or
 * writes itself, beside libfuse2: the opcodes it looks at and the two headers. Written down
 * once; the bodies of single requests stay with the class that reads them.
 */
final class FuseProtocol {
    private FuseProtocol() {}

    static final int FUSE_LOOKUP = 1, FUSE_FORGET = 2, FUSE_GETATTR = 3, FUSE_OPEN = 14, FUSE_READ = 15, FUSE_WRITE = 16,
            FUSE_RELEASE = 18, FUSE_SETXATTR = 21, FUSE_GETXATTR = 22, FUSE_LISTXATTR = 23, FUSE_REMOVEXATTR = 24,
            FUSE_INIT = 26, FUSE_OPENDIR = 27, FUSE_READDIR = 28, FUSE_RELEASEDIR = 29, FUSE_FSYNCDIR = 30, FUSE_CREATE = 35,
            FUSE_IOCTL = 39, FUSE_BATCH_FORGET = 42, FUSE_READDIRPLUS = 44;

    /** struct fuse_in_header: len, opcode, unique, nodeid, uid, gid, pid (40 bytes). */
    static final int IN_HEADER = 40, IN_LEN = 0, IN_OPCODE = 4, IN_UNIQUE = 8, IN_NODEID = 16, IN_PID = 32;
    /** The file handle that opens the body of READ, WRITE, READDIR(PLUS), RELEASE(DIR), FSYNC(DIR) and IOCTL. */
    static final int IN_FH = IN_HEADER;
    /** struct fuse_out_header: len, error (-errno), unique (16 bytes). */
    static final int OUT_HEADER = 16, OUT_LEN = 0, OUT_ERROR = 4, OUT_UNIQUE = 8;
}
