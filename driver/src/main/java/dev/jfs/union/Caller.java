package dev.jfs.union;

/** Who asked for an operation: new entries belong to the caller, as on any filesystem. */
public record Caller(int uid, int gid) {
    public static final Caller ROOT = new Caller(0, 0);
}
