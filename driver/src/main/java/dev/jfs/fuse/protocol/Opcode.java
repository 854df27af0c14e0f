package dev.jfs.fuse.protocol;

/** The request opcodes of the kernel's FUSE protocol ({@code include/uapi/linux/fuse.h}). */
public final class Opcode {
    private Opcode() {}

    public static final int LOOKUP = 1, FORGET = 2, GETATTR = 3, SETATTR = 4, READLINK = 5, SYMLINK = 6, MKNOD = 8,
            MKDIR = 9, UNLINK = 10, RMDIR = 11, RENAME = 12, LINK = 13, OPEN = 14, READ = 15, WRITE = 16, STATFS = 17,
            RELEASE = 18, FSYNC = 20, SETXATTR = 21, GETXATTR = 22, LISTXATTR = 23, REMOVEXATTR = 24, FLUSH = 25,
            INIT = 26, OPENDIR = 27, READDIR = 28, RELEASEDIR = 29, FSYNCDIR = 30, GETLK = 31, SETLK = 32, SETLKW = 33,
            ACCESS = 34, CREATE = 35, INTERRUPT = 36, BMAP = 37, DESTROY = 38, IOCTL = 39, POLL = 40,
            NOTIFY_REPLY = 41, BATCH_FORGET = 42, FALLOCATE = 43, READDIRPLUS = 44, RENAME2 = 45, LSEEK = 46,
            COPY_FILE_RANGE = 47, SETUPMAPPING = 48, REMOVEMAPPING = 49, SYNCFS = 50, TMPFILE = 51, STATX = 52;

    private static final String[] NAMES = new String[53];

    static {
        String[] n = {"?", "LOOKUP", "FORGET", "GETATTR", "SETATTR", "READLINK", "SYMLINK", "?", "MKNOD", "MKDIR",
            "UNLINK", "RMDIR", "RENAME", "LINK", "OPEN", "READ", "WRITE", "STATFS", "RELEASE", "?", "FSYNC",
            "SETXATTR", "GETXATTR", "LISTXATTR", "REMOVEXATTR", "FLUSH", "INIT", "OPENDIR", "READDIR", "RELEASEDIR",
            "FSYNCDIR", "GETLK", "SETLK", "SETLKW", "ACCESS", "CREATE", "INTERRUPT", "BMAP", "DESTROY", "IOCTL",
            "POLL", "NOTIFY_REPLY", "BATCH_FORGET", "FALLOCATE", "READDIRPLUS", "RENAME2", "LSEEK",
            "COPY_FILE_RANGE", "SETUPMAPPING", "REMOVEMAPPING", "SYNCFS", "TMPFILE", "STATX"};
        System.arraycopy(n, 0, NAMES, 0, n.length);
    }

    /** The opcode's name for logs, or its number if unknown. */
    public static String name(int opcode) {
        return opcode > 0 && opcode < NAMES.length && !"?".equals(NAMES[opcode]) ? NAMES[opcode] : "opcode " + opcode;
    }

    /** Requests the kernel sends without waiting for an answer: none may be written. */
    public static boolean unanswered(int opcode) {
        return opcode == FORGET || opcode == BATCH_FORGET || opcode == INTERRUPT || opcode == NOTIFY_REPLY;
    }
}
