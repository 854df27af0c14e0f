package dev.jfs.runtime;

import dev.jfs.UserError;

/**
 * The container's command cannot start: not found (exit status 127) or not executable (126), the
 * statuses docker and a shell give.
 */
public final class CommandNotRunnable extends UserError {
    public static final int NOT_FOUND = 127;
    public static final int NOT_EXECUTABLE = 126;
    private final int exitStatus;

    CommandNotRunnable(String message, int exitStatus) {
        super(message);
        this.exitStatus = exitStatus;
    }

    public int exitStatus() {
        return exitStatus;
    }
}
