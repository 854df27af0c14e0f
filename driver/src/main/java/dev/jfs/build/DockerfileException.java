package dev.jfs.build;

import dev.jfs.UserError;

/** A Dockerfile the builder cannot use: one line, {@code FILE:LINE: what was expected}. */
public final class DockerfileException extends UserError {
    public DockerfileException(String file, int line, String message) {
        super(file + ":" + line + ": " + message);
    }
}
