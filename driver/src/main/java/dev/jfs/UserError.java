package dev.jfs;

/**
 * A failure the user caused and can fix (a missing directory, a corrupt tar, a busy mountpoint).
 * The CLI prints its message as one line and exits non-zero; no stack trace.
 */
public class UserError extends RuntimeException {
    public UserError(String message) {
        super(message);
    }

    public UserError(String message, Throwable cause) {
        super(message, cause);
    }
}
