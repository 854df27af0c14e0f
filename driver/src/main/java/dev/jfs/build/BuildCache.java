package dev.jfs.build;

import dev.jfs.store.Image;
import dev.jfs.store.Store;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The build cache: a small index in the store, {@code build-cache/index/KEY} holding the id of
 * the image a step made, KEY being {@link StepKey}'s digest. An entry whose image is gone is a
 * miss. RUN's cache mounts live beside it, one directory per target.
 */
public final class BuildCache {
    private final Store store;
    private final Path index;
    private final Path mounts;

    public BuildCache(Store store) {
        this.store = store;
        Path dir = store.root().resolve("build-cache");
        this.index = dir.resolve("index");
        this.mounts = dir.resolve("mounts");
    }

    /** The image a step with this key made before, or null. */
    public Image find(String key) {
        try {
            String id = Files.readString(index.resolve(key), StandardCharsets.UTF_8).strip();
            return store.images().find(id);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            return null; // an unreadable entry is a miss: the step runs again
        }
    }

    /** Records that the step with this key made {@code imageId} (atomically: a reader sees the old entry or the new). */
    public void put(String key, String imageId) {
        try {
            Files.createDirectories(index);
            Path tmp = Files.createTempFile(index, "." + key, ".tmp");
            Files.writeString(tmp, imageId + "\n", StandardCharsets.UTF_8);
            Files.move(tmp, index.resolve(key), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            // a cache that cannot be written costs time later, never a wrong image: go on
        }
    }

    /** The host directory that {@code RUN --mount=type=cache,target=TARGET} mounts, made if missing. */
    public Path mountDir(String target) throws IOException {
        String name = CopyStep.hex(CopyStep.sha256().digest(target.getBytes(StandardCharsets.UTF_8))).substring(0, 32);
        return Files.createDirectories(mounts.resolve(name));
    }
}
