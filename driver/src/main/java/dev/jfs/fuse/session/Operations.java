package dev.jfs.fuse.session;

import dev.jfs.fuse.protocol.Reply;
import dev.jfs.fuse.protocol.Request;

/**
 * What a filesystem gives the session: an answer to each request after INIT. It may throw
 * {@link dev.jfs.posix.FsException} (answered with its errno); anything else thrown is answered
 * with EIO and logged, and the session goes on.
 */
public interface Operations {
    /** INIT is answered; requests follow. {@code device} registers backing files. */
    void initialized(Negotiated negotiated, FuseDevice device);

    void serve(Request request, Reply reply);
}
