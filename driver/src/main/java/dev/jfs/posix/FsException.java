package dev.jfs.posix;

/**
 * A failed filesystem operation and the errno it means. Thrown by {@link Posix} and by the union
 * logic; the FUSE adapter turns it into {@code -errno} in one place.
 */
public final class FsException extends RuntimeException {
    private final int errno;

    public FsException(int errno, String what) {
        super(what, null, false, false); // thrown on hot paths (ENOENT): no stack trace
        this.errno = errno;
    }

    public int errno() {
        return errno;
    }

    @Override
    public String getMessage() {
        return super.getMessage() + ": " + Posix.strerror(errno);
    }
}
