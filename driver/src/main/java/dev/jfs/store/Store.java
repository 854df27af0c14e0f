package dev.jfs.store;

import dev.jfs.UserError;
import dev.jfs.union.LayerStack;
import java.nio.file.Path;

/**
 * The content-addressed layer store (SPEC 5). Stub: the contract other packages build against;
 * the store work fills it in.
 */
public final class Store {
    private final Path root;

    private Store(Path root) {
        this.root = root;
    }

    /** The store at $JFS_ROOT, else /var/lib/jfs for root, else $XDG_DATA_HOME/jfs. */
    public static Store open() {
        throw new UserError("the layer store is not built yet");
    }

    public static Store open(Path root) {
        return new Store(root);
    }

    public Path root() {
        return root;
    }

    /** The stack of a container by name: its layer chain (top-most first), upper and work. */
    public LayerStack containerStack(String name) {
        throw new UserError("the layer store is not built yet");
    }

    /**
     * Stores a layer tarball (uncompressed, already written by commit) as a new layer whose
     * parent is the container's top layer; returns the new layer's id.
     */
    public String addCommittedLayer(String container, Path uncompressedTar, String diffId) {
        throw new UserError("the layer store is not built yet");
    }
}
