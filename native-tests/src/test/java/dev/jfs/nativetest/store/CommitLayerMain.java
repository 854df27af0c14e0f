package dev.jfs.nativetest.store;

import dev.jfs.store.Store;
import java.nio.file.Path;

/**
 * {@code CommitLayerMain CONTAINER TAR}: the store half of {@code jfs commit CONTAINER}, run as its
 * own process so that a test can kill it mid-way: stores TAR as a layer on the container's layer.
 */
public final class CommitLayerMain {
    private CommitLayerMain() {}

    public static void main(String[] args) {
        System.out.println(Store.open().addCommittedLayer(args[0], Path.of(args[1]), null));
    }
}
