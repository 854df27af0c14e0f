package dev.jfs.archive;

import dev.jfs.posix.Posix;

/**
 * How much of a layer's metadata an import may carry over. {@code privileged} (the default when
 * running as root) keeps owners, device nodes, setuid/setgid bits and trusted.*, security.* and
 * system.* xattrs; without it those are refused (device nodes) or dropped (the rest), as SPEC 6
 * requires.
 */
public record ExtractOptions(boolean privileged) {
    /** The options for this process: privileged when the effective uid is 0. */
    public static ExtractOptions forCurrentUser() {
        return new ExtractOptions(Posix.geteuid() == 0);
    }
}
