package dev.jfs.transfer.registry;

/** What a pull or push tells about each blob as it goes (the CLI draws it on a terminal). Called from several threads. */
public interface TransferProgress {
    TransferProgress NONE = new TransferProgress() {};

    /** A blob of {@code size} bytes (-1 if unknown) begins to move. */
    default void started(String digest, long size) {}

    /** {@code done} bytes of it have moved. */
    default void advanced(String digest, long done) {}

    /** It is done: {@code how} is "done", "exists", "mounted". */
    default void finished(String digest, String how) {}
}
