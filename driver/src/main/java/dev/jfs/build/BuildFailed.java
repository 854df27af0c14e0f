package dev.jfs.build;

import dev.jfs.UserError;

/** A RUN that exited non-zero: the build stops with its status, naming the step and its line. */
public final class BuildFailed extends UserError {
    private final int status;

    public BuildFailed(String message, int status) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
