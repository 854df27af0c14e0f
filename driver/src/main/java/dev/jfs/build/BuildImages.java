package dev.jfs.build;

import dev.jfs.archive.Compression;
import dev.jfs.archive.LayerCommit;
import dev.jfs.changes.StackViews;
import dev.jfs.image.History;
import dev.jfs.image.ImageConfig;
import dev.jfs.image.OciJson;
import dev.jfs.posix.DirEntry;
import dev.jfs.posix.Posix;
import dev.jfs.posix.Stat;
import dev.jfs.store.Image;
import dev.jfs.store.LayerBlob;
import dev.jfs.store.LayerInfo;
import dev.jfs.store.Store;
import dev.jfs.union.UnionFs;
import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The images and containers a build makes in the store: a container per layer step on the
 * step's parent, committed as one layer with one history entry; config-only images for the other
 * steps. With a timestamp (SOURCE_DATE_EPOCH, --timestamp), history and config dates are it and
 * no file a step writes is newer, so the same inputs give the same image id.
 */
final class BuildImages {
    private final Store store;
    private final Long timestamp;
    private final PrintStream warnings;
    private final List<String> containers = new ArrayList<>();

    BuildImages(Store store, Long timestamp, PrintStream warnings) {
        this.store = store;
        this.timestamp = timestamp;
        this.warnings = warnings;
    }

    Store store() {
        return store;
    }

    String created() {
        return timestamp != null ? Instant.ofEpochSecond(timestamp).toString() : Instant.now().toString();
    }

    /** The image {@code FROM scratch} starts from: no layers, an empty config. */
    Image scratch() {
        ImageConfig c = ImageConfig.forThisPlatform();
        return store.images().add(c, List.of(), List.of());
    }

    static ImageConfig copy(ImageConfig c) {
        return OciJson.parse(OciJson.write(c), ImageConfig.class, "image config");
    }

    /** An image with {@code parent}'s layers and {@code config} (one more history entry, no layer). */
    Image withConfig(Image parent, ImageConfig config, String createdBy) {
        config.created = created();
        config.historyList().add(new History(config.created, createdBy, null, true));
        return store.images().add(config, blobs(parent), List.of());
    }

    /** An image with {@code parent}'s layers and history and a changed {@code config} (docker's implicit PATH). */
    Image sameHistory(Image parent, ImageConfig config) {
        return store.images().add(config, blobs(parent), List.of());
    }

    /** A new container on {@code image}, removed when the build ends. */
    String container(Image image) {
        String name = "jfs-build-" + UUID.randomUUID().toString().substring(0, 12);
        store.images().createContainer(name, image.id());
        containers.add(name);
        return name;
    }

    /** The container's root, in process, for COPY to write or read. */
    UnionFs open(String container) {
        return UnionFs.open(store.containerStack(container), null);
    }

    /** The container's changes as one layer on {@code parent}, with {@code config} and one history entry. */
    Image commit(String container, Image parent, ImageConfig config, String createdBy) {
        store.release(container);
        if (timestamp != null) clamp(store.containerDir(container).resolve("upper").toString(), timestamp);
        StackViews views = StackViews.open(store.containerStack(container));
        Store.Imported stored;
        try {
            stored = store.commit(container, out -> LayerCommit.write(views, Compression.NONE, out, null, null,
                    w -> warnings.println("warning: " + w)).diffId(), null);
        } finally {
            store.release(container);
        }
        List<LayerBlob> blobs = blobs(parent);
        blobs.add(stored.layer().blob());
        config.diffIds().add(stored.layer().diffId());
        config.created = created();
        config.historyList().add(new History(config.created, createdBy, null, false));
        Image made = store.images().add(config, blobs, List.of());
        remove(container);
        return made;
    }

    void remove(String container) {
        store.release(container);
        try {
            store.removeContainer(container);
            containers.remove(container);
        } catch (RuntimeException e) {
            warnings.println("warning: build container " + container + " left behind: " + e.getMessage());
        }
    }

    /** Removes the containers a failed build leaves. */
    void cleanUp() {
        for (String c : new ArrayList<>(containers)) remove(c);
    }

    private static List<LayerBlob> blobs(Image image) {
        List<LayerBlob> out = new ArrayList<>();
        for (LayerInfo l : image.layers()) {
            if (l.blob() == null) throw new dev.jfs.UserError("image " + image.shortId() + ": layer " + l.id() + " has no blob in the store: import it again");
            out.add(l.blob());
        }
        return out;
    }

    /** No entry of the upper is newer than {@code epoch} (buildkit's rewrite-timestamp does the same). */
    static void clamp(String path, long epoch) {
        Stat st = Posix.lstatOrNull(path);
        if (st == null) return;
        if (st.isDirectory()) {
            for (DirEntry d : Posix.readDir(path)) clamp(path + "/" + d.name(), epoch);
        }
        if (st.mtimeSec() > epoch || (st.mtimeSec() == epoch && st.mtimeNsec() > 0)) Posix.utimens(path, epoch, 0, epoch, 0);
    }
}
