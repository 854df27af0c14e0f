package dev.jfs.store;

import dev.jfs.UserError;
import dev.jfs.archive.Decompress;
import dev.jfs.archive.DigestingInputStream;
import dev.jfs.archive.ExtractOptions;
import dev.jfs.archive.ExtractResult;
import dev.jfs.archive.SafeExtractor;
import dev.jfs.image.MediaTypes;
import dev.jfs.posix.FsException;
import dev.jfs.posix.Posix;
import dev.jfs.posix.Stat;
import dev.jfs.union.LayerIndex;
import dev.jfs.union.LayerStack;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongConsumer;
import java.util.regex.Pattern;

/**
 * The content-addressed layer store (SPEC 5).
 *
 * <h2>Layout</h2>
 * <pre>
 * ROOT/store.lock                      the store lock (see {@link StoreLock})
 * ROOT/layers/HEX/layer.json           {@link LayerInfo}; HEX is the layer's ChainID
 * ROOT/layers/HEX/diff/                the extracted layer, used as an overlay lower
 * ROOT/layers/HEX/diff.jfs-index       its metadata in one file, for mounts ({@link LayerIndex})
 * ROOT/layers/HEX/...                  (a layer's blob is in blobs/, named by LayerInfo.blob)
 * ROOT/blobs/sha256/HEX                layer blobs as imported or committed, configs, manifests ({@link Blobs})
 * ROOT/images/HEX.json                 an image: HEX is its id, the sha256 of its config ({@link Images})
 * ROOT/tags.json                       NAME:TAG to image id ({@link Images})
 * ROOT/containers/NAME/container.json  {@link ContainerInfo}
 * ROOT/containers/NAME/config.json     the image config of the image it was made from, if any
 * ROOT/containers/NAME/upper/, work/   the container's writable layer and copy-up scratch
 * ROOT/containers/NAME/base/           (only for a container made from no layer) an empty lower
 * ROOT/containers/NAME/init/           (once it has run) the runtime's mount points, a lower above the image
 * ROOT/containers/NAME/in-use.lock     held (shared) by every process using the container
 * ROOT/tmp/                            scratch dirs being built, and trash being removed
 * </pre>
 *
 * <h2>Layer ids</h2>
 * A layer's id is its OCI ChainID, not its diffID. A layer directory is only meaningful on top of
 * its parents (its whiteouts and opaque dirs refer to them), so the same tar on two different
 * parents is two different layers; the ChainID names exactly (content, parent chain), as Docker's
 * layer store does. For a base layer, ChainID = diffID, so importing a base tar prints its
 * diffID. Importing the same content on the same parent gives the same id and is stored once.
 *
 * <h2>Atomicity</h2>
 * Every new layer or container is built in a scratch dir under {@code tmp/} (same filesystem),
 * its data flushed with syncfs(2) and its JSON with fsync, then published with one rename(2)
 * into {@code layers/} or {@code containers/} under the store lock, followed by an fsync of the
 * parent directory. Removal is the reverse: one rename into {@code tmp/}, then deletion. A
 * process killed at any point therefore leaves each entry either absent or complete; what it
 * leaves in {@code tmp/} is removed by the next command ({@link Staging#cleanStale}).
 */
public final class Store {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");
    private static final String LAYER_JSON = "layer.json";
    private static final String CONTAINER_JSON = "container.json";
    private static final String IN_USE = "in-use.lock";
    private static final String INIT_LAYER = "init";
    /** The lock a jfs mount daemon holds in its work dir while it serves (MountCommand.serve). */
    private static final String MOUNT_LOCK = "work/jfs.lock";
    /** Containers this process uses (see {@link #containerStack}), held until it exits. */
    private static final Map<Path, FileLock> IN_USE_HELD = new ConcurrentHashMap<>();

    private final Path root;
    private final Path layers;
    private final Path containers;
    private final Path tmp;
    private final StoreLock lock;
    private final ExtractOptions extractOptions;
    private final Blobs blobs;
    private final Images images;

    private Store(Path root, ExtractOptions extractOptions) {
        this.root = root.toAbsolutePath().normalize();
        this.layers = this.root.resolve("layers");
        this.containers = this.root.resolve("containers");
        this.tmp = this.root.resolve("tmp");
        this.lock = StoreLock.of(this.root);
        this.extractOptions = extractOptions;
        this.blobs = new Blobs(this, this.root.resolve("blobs").resolve("sha256"));
        this.images = new Images(this, this.root.resolve("images"));
    }

    /** The store at $JFS_ROOT, else /var/lib/jfs for root, else $XDG_DATA_HOME/jfs. */
    public static Store open() {
        return open(defaultRoot());
    }

    public static Store open(Path root) {
        return open(root, ExtractOptions.forCurrentUser());
    }

    /** The store at {@code root} with explicit import privileges (tests use the unprivileged rules). */
    public static Store open(Path root, ExtractOptions options) {
        Store s = new Store(root, options);
        s.init();
        return s;
    }

    /** SPEC 5: $JFS_ROOT, else /var/lib/jfs for root, else $XDG_DATA_HOME/jfs (~/.local/share/jfs). */
    public static Path defaultRoot() {
        String env = System.getenv("JFS_ROOT");
        if (env != null && !env.isEmpty()) return Path.of(env);
        if (Posix.geteuid() == 0) return Path.of("/var/lib/jfs");
        String xdg = System.getenv("XDG_DATA_HOME");
        if (xdg != null && !xdg.isEmpty() && Path.of(xdg).isAbsolute()) return Path.of(xdg, "jfs");
        String home = System.getenv("HOME");
        if (home == null || home.isEmpty()) home = System.getProperty("user.home");
        return Path.of(home, ".local", "share", "jfs");
    }

    public Path root() {
        return root;
    }

    private void init() {
        try {
            if (!Files.isDirectory(root)) {
                Files.createDirectories(root);
                Posix.chmod(root.toString(), 0700);
            }
            for (Path d : List.of(layers, containers, tmp, blobs.dir(), images.dir())) Files.createDirectories(d);
        } catch (IOException | FsException e) {
            throw new UserError("store " + root + ": cannot create it (" + e.getMessage() + ")", e);
        }
        try (StoreLock.Held h = lock.acquire()) {
            Staging.cleanStale(tmp);
        } catch (IOException | FsException e) {
            throw new UserError("store " + root + ": cannot clean " + tmp + " (" + e.getMessage() + ")", e);
        }
    }

    // ---- layers --------------------------------------------------------------------------------

    /** The outcome of an import: the layer, and whether the store already had it. */
    public record Imported(LayerInfo layer, boolean alreadyPresent) {}

    /**
     * Imports a layer (tar, tar.gz or tar.zst, told by content) on top of {@code parentRef} (an id
     * or unique prefix, or null for a base layer). {@code progress}, if given, hears the number
     * of input bytes read so far. The input is closed.
     */
    public Imported importLayer(InputStream raw, String source, String parentRef, LongConsumer progress) {
        LayerInfo parent = parentRef == null ? null : layer(parentRef);
        return importInternal(raw, source, parent, null, null, progress);
    }

    /** Imports a layer file (see {@link #importLayer(InputStream, String, String, LongConsumer)}). */
    public Imported importLayer(Path file, String parentRef, LongConsumer progress) {
        try {
            return importLayer(Files.newInputStream(file), file.toString(), parentRef, progress);
        } catch (NoSuchFileException e) {
            throw new UserError(file + ": no such file");
        } catch (IOException e) {
            throw new UserError(file + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    private Imported importInternal(InputStream raw, String source, LayerInfo parent, String expectDiffId,
                                    String comment, LongConsumer progress) {
        return importInternal(raw, null, source, parent, expectDiffId, comment, progress);
    }

    private Imported importInternal(InputStream raw, Path ownBlob, String source, LayerInfo parent, String expectDiffId,
                                    String comment, LongConsumer progress) {
        try (StagedLayer staged = stage(raw, ownBlob, source, parent == null ? null : new Parent(parent, layerDir(parent)),
                new Expect(expectDiffId, null, null), comment, progress)) {
            LayerInfo published = publish(List.of(staged)).get(0);
            return new Imported(published, staged.alreadyPresent);
        }
    }

    /** What an import must find: the diffID, the blob digest, the blob media type (each may be null). */
    public record Expect(String diffId, String blobDigest, String blobMediaType) {
        public static final Expect NOTHING = new Expect(null, null, null);
    }

    /** The parent of a layer being staged: a stored layer, or one staged before it in the same batch. */
    public record Parent(LayerInfo info, Path dir) {}

    /**
     * A layer extracted into a scratch dir with its blob beside it, not yet in the store:
     * {@link #publish} puts a batch of them in at once, so that a load whose third layer is bad
     * leaves none of them behind. Closing removes whatever was not published.
     */
    public static final class StagedLayer implements AutoCloseable {
        private final Staging staging;
        private final LayerInfo info;
        /** Whether the store had the layer: when staged, and again when published. */
        private boolean alreadyPresent;
        private final Path blobFile;

        private StagedLayer(Staging staging, LayerInfo info, boolean alreadyPresent, Path blobFile) {
            this.staging = staging;
            this.info = info;
            this.alreadyPresent = alreadyPresent;
            this.blobFile = blobFile;
        }

        public LayerInfo info() {
            return info;
        }

        /** As a parent for the next layer of the same batch. */
        public Parent asParent() {
            return new Parent(info, staging.dir().resolve(LayerInfo.DIFF_DIR));
        }

        @Override
        public void close() {
            staging.close();
        }
    }

    /**
     * Extracts a layer (tar, tar.gz or tar.zst, told by content) into a scratch dir, keeping its
     * bytes as they came as the layer's blob, and checks what {@code expect} names. The input is
     * closed. A layer that does not match, or does not extract, leaves nothing behind.
     */
    public StagedLayer stageLayer(InputStream raw, String source, Parent parent, Expect expect, String comment,
                                  LongConsumer progress) {
        return stage(raw, null, source, parent, expect, comment, progress);
    }

    /**
     * As {@link #stageLayer}, reading either {@code raw} (copied into the blob as it is read) or
     * {@code ownBlob}, a file in this store's tmp/ (a commit's tar) moved in as the blob: a
     * committed layer is not written twice.
     */
    private StagedLayer stage(InputStream raw, Path ownBlob, String source, Parent parent, Expect expect, String comment,
                              LongConsumer progress) {
        Staging staging = staging("layer");
        Path blobFile = staging.dir().resolve("blob");
        try {
            if (ownBlob != null) {
                Files.move(ownBlob, blobFile, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                raw = Files.newInputStream(blobFile);
            }
        } catch (IOException e) {
            staging.close();
            throw new UserError(source + ": import failed (" + e.getMessage() + ")", e);
        }
        try (InputStream counted = progress == null ? raw : new Counting(raw, progress)) {
            DigestingInputStream blob;
            ExtractResult r;
            try (OutputStream blobOut = ownBlob != null ? null : new java.io.BufferedOutputStream(
                    Files.newOutputStream(blobFile, StandardOpenOption.CREATE_NEW), 1 << 16)) {
                blob = new DigestingInputStream(counted, blobOut);
                Path diff = staging.dir().resolve(LayerInfo.DIFF_DIR);
                Posix.mkdir(diff.toString(), 0755);
                r = SafeExtractor.extract(blob, source, diff, extractOptions);
                blob.drain();
                if (!r.hasRootEntry() && parent != null) inheritRoot(parent.dir(), diff);
                writeIndex(diff);
            }
            if (expect.blobDigest() != null && !blob.digest().equals(expect.blobDigest())) {
                throw new UserError(source + ": its digest is " + blob.digest() + ", not " + expect.blobDigest());
            }
            if (expect.diffId() != null && !r.diffId().equals(expect.diffId())) {
                throw new UserError(source + ": its diffID (digest of the uncompressed tar) is " + r.diffId()
                        + ", not " + expect.diffId());
            }
            String mediaType = expect.blobMediaType() != null ? expect.blobMediaType()
                    : MediaTypes.ociLayer(r.format() == Decompress.Format.TAR ? "none" : r.format().toString());
            LayerInfo p = parent == null ? null : parent.info();
            String chain = Ids.chainId(p == null ? null : p.chainId(), r.diffId());
            LayerInfo info = new LayerInfo(chain, r.diffId(), chain, p == null ? null : p.id(), r.size(),
                    now(), LayerInfo.DIFF_DIR, comment, new LayerBlob(blob.digest(), blob.count(), mediaType));
            StoreFiles.writeJson(staging.dir().resolve(LAYER_JSON), info);
            Posix.syncfs(staging.dir().toString()); // the extracted files and the blob, before a rename publishes them
            boolean present = Files.exists(layers.resolve(info.hex()).resolve(LAYER_JSON));
            return new StagedLayer(staging, info, present, blobFile);
        } catch (IOException | RuntimeException e) {
            staging.close();
            if (e instanceof IOException || e instanceof FsException) {
                throw new UserError(source + ": import failed (" + e.getMessage() + ")", e);
            }
            throw (RuntimeException) e;
        }
    }

    /**
     * Puts staged layers (bottom first) and their blobs into the store, under one hold of the
     * store lock: each blob the store lacks, then each layer it lacks. Returns the layers as
     * stored (a layer already there keeps its own metadata).
     */
    public List<LayerInfo> publish(List<StagedLayer> staged) {
        List<LayerInfo> out = new ArrayList<>();
        try (StoreLock.Held h = lock.acquire()) {
            Set<String> published = new HashSet<>();
            for (StagedLayer s : staged) {
                blobs.publish(s.blobFile, s.info.blob().digest());
                Path dest = layers.resolve(s.info.hex());
                if (Files.exists(dest.resolve(LAYER_JSON))) {
                    s.alreadyPresent = true;
                    out.add(readLayer(dest));
                    continue;
                }
                s.alreadyPresent = false;
                if (s.info.parent() != null && !published.contains(s.info.parent())
                        && !Files.exists(layers.resolve(Ids.hex(s.info.parent())).resolve(LAYER_JSON))) {
                    throw new UserError("parent layer " + s.info.parent() + " was removed during the import");
                }
                Posix.rename(s.staging.dir().toString(), dest.toString());
                published.add(s.info.id());
                out.add(s.info);
            }
            StoreFiles.fsyncDir(layers);
        } catch (IOException e) {
            throw new UserError("store " + root + ": cannot publish a layer (" + e.getMessage() + ")", e);
        }
        return out;
    }

    /** Whether the store has the layer with this full id. */
    public boolean hasLayer(String id) {
        return Ids.isHex64(Ids.hex(id)) && Files.exists(layers.resolve(Ids.hex(id)).resolve(LAYER_JSON));
    }

    /** The blobs kept in the store. */
    public Blobs blobs() {
        return blobs;
    }

    /** The images kept in the store. */
    public Images images() {
        return images;
    }

    /** A scratch directory in the store's tmp/ (same filesystem), removed when closed or by the next command once its process is gone. */
    public interface ScratchDir extends AutoCloseable {
        Path dir();

        @Override
        void close();
    }

    /** A new scratch dir (downloads waiting to be imported, say); see {@link ScratchDir}. */
    public ScratchDir scratchDir(String kind) {
        Staging s = staging(kind);
        return new ScratchDir() {
            @Override
            public Path dir() {
                return s.dir();
            }

            @Override
            public void close() {
                s.close();
            }
        };
    }

    /** A new scratch dir under tmp/, removed when closed. */
    public Staging staging(String kind) {
        try (StoreLock.Held h = lock.acquire()) {
            return Staging.create(tmp, kind);
        } catch (IOException e) {
            throw new UserError("store " + root + ": cannot make a scratch dir (" + e.getMessage() + ")", e);
        }
    }

    StoreLock lock() {
        return lock;
    }

    /**
     * Runs {@code work} holding the store lock, so that what it publishes and what names it go in
     * together (no rmi's garbage collection in between). Keep it short: other jfs processes wait.
     */
    public <T> T locked(java.util.function.Supplier<T> work) {
        try (StoreLock.Held h = lock.acquire()) {
            return work.get();
        }
    }

    /** All layers, oldest first. */
    public List<LayerInfo> layers() {
        List<LayerInfo> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(layers)) {
            for (Path d : ds) {
                if (!Ids.isHex64(d.getFileName().toString())) continue;
                Path meta = d.resolve(LAYER_JSON);
                if (Files.exists(meta)) out.add(readLayer(d));
            }
        } catch (IOException e) {
            throw new UserError("store " + root + ": cannot list layers (" + e.getMessage() + ")", e);
        }
        out.sort(Comparator.comparing(LayerInfo::created).thenComparing(LayerInfo::id));
        return out;
    }

    /** The layer with this id or unique id prefix ({@code sha256:} optional), as Docker accepts. */
    public LayerInfo layer(String ref) {
        String prefix = Ids.prefix(ref);
        if (Ids.isHex64(prefix)) {
            Path d = layers.resolve(prefix);
            if (Files.exists(d.resolve(LAYER_JSON))) return readLayer(d);
            throw new UserError("layer " + ref + ": no such layer in " + root);
        }
        List<LayerInfo> hits = layers().stream().filter(l -> l.hex().startsWith(prefix)).toList();
        if (hits.isEmpty()) throw new UserError("layer " + ref + ": no such layer in " + root);
        if (hits.size() > 1) {
            throw new UserError("layer " + ref + ": ambiguous, " + hits.size() + " layers start with it");
        }
        return hits.get(0);
    }

    /** The directory holding a layer's files (a lower for overlay mounts). */
    public Path layerDir(LayerInfo layer) {
        return layers.resolve(layer.hex()).resolve(LayerInfo.DIFF_DIR);
    }

    /** The layer and its parents, top-most first. */
    public List<LayerInfo> chain(LayerInfo top) {
        List<LayerInfo> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (LayerInfo l = top; l != null; l = l.parent() == null ? null : parentOf(l)) {
            if (!seen.add(l.id())) throw new UserError("layer " + l.id() + ": its parent chain loops");
            out.add(l);
        }
        return out;
    }

    private LayerInfo parentOf(LayerInfo l) {
        Path d = layers.resolve(Ids.hex(l.parent()));
        if (!Files.exists(d.resolve(LAYER_JSON))) {
            throw new UserError("layer " + l.id() + ": its parent " + l.parent()
                    + " is missing from the store (removed with --force?)");
        }
        return readLayer(d);
    }

    /** Who uses a layer: containers on it and layers with it as parent. */
    public record Users(List<String> containers, List<String> childLayers) {
        public boolean isEmpty() {
            return containers.isEmpty() && childLayers.isEmpty();
        }
    }

    public Users users(LayerInfo layer) {
        List<String> cs = containers().stream().filter(c -> layer.id().equals(c.layer())).map(ContainerInfo::name)
                .toList();
        List<String> ls = layers().stream().filter(l -> layer.id().equals(l.parent())).map(LayerInfo::id).toList();
        return new Users(cs, ls);
    }

    /**
     * Removes a layer. Refused while a container or a child layer uses it, unless {@code force}
     * (those users then fail with a clear error naming the missing layer).
     */
    public LayerInfo removeLayer(String ref, boolean force) {
        Staging trash;
        LayerInfo removed;
        try (StoreLock.Held h = lock.acquire()) {
            LayerInfo l = layer(ref);
            Users u = users(l);
            if (!u.isEmpty() && !force) {
                List<String> who = new ArrayList<>();
                u.containers().forEach(c -> who.add("container " + c));
                u.childLayers().forEach(c -> who.add("layer " + short12(c)));
                throw new UserError("layer " + short12(l.id()) + " is in use by " + String.join(", ", who)
                        + " (remove them first, or use --force)");
            }
            trash = moveToTrash(layers.resolve(l.hex()), layers);
            removed = l;
        }
        trash.close(); // the deletion itself runs outside the store lock
        return removed;
    }

    /** Unpublishes a layer (store lock held); closing the result deletes it. */
    Staging trashLayer(LayerInfo l) {
        return moveToTrash(layers.resolve(l.hex()), layers);
    }

    static String short12(String id) {
        String h = Ids.hex(id);
        return h.length() > 12 ? h.substring(0, 12) : h;
    }

    // ---- containers ----------------------------------------------------------------------------

    /**
     * Makes a container on top of a layer (id or unique prefix; null for none): metadata and
     * empty upper and work dirs, nothing copied, so it takes the same time for any image size.
     * A null name picks an unused one.
     */
    public ContainerInfo createContainer(String name, String layerRef) {
        try (StoreLock.Held h = lock.acquire()) {
            return createContainer(name, layerRef == null ? null : layer(layerRef), null, null);
        }
    }

    /**
     * Makes a container on {@code layer} (null: nothing); {@code imageId} and {@code config} (the
     * image config's bytes) name the image it comes from, or are null.
     */
    ContainerInfo createContainer(String name, LayerInfo layer, String imageId, byte[] config) {
        if (name != null) checkName(name);
        try (StoreLock.Held h = lock.acquire()) {
            if (layer != null) chain(layer); // its parents must all be there
            String n = name != null ? name : ContainerNames.generate(c -> Files.exists(containers.resolve(c)));
            Path dest = containers.resolve(n);
            if (Files.exists(dest)) throw new UserError("container " + n + " already exists");
            Path build = Staging.unprotected(tmp, "container");
            Posix.mkdir(build.toString(), 0700);
            Stat top = layer == null ? null : Posix.lstat(layerDir(layer).toString());
            makeDir(build.resolve("upper"), top);
            makeDir(build.resolve("work"), null);
            if (layer == null) makeDir(build.resolve("base"), null);
            Files.createFile(build.resolve(IN_USE));
            ContainerInfo info = new ContainerInfo(n, layer == null ? null : layer.id(), now(), imageId);
            if (config != null) StoreFiles.writeBytes(build.resolve(Images.CONTAINER_CONFIG), config);
            StoreFiles.writeJson(build.resolve(CONTAINER_JSON), info);
            Posix.rename(build.toString(), dest.toString());
            StoreFiles.fsyncDir(containers);
            return info;
        } catch (IOException | FsException e) {
            throw new UserError("container " + (name == null ? "" : name + " ") + "in " + root + ": cannot create ("
                    + e.getMessage() + ")", e);
        }
    }

    /** An empty dir; the upper takes the mode and owner of the image's root, as Docker does. */
    private void makeDir(Path dir, Stat like) {
        String p = dir.toString();
        Posix.mkdir(p, 0755);
        if (like != null) {
            if (extractOptions.privileged()) Posix.lchown(p, like.uid(), like.gid());
            Posix.chmod(p, like.permissions());
        } else {
            Posix.chmod(p, 0755);
        }
    }

    private static void checkName(String name) {
        if (!NAME.matcher(name).matches()) {
            throw new UserError("container name '" + name + "': use letters, digits, '_', '.' and '-', "
                    + "starting with a letter or digit, at most 128");
        }
    }

    /** All containers, by name. */
    public List<ContainerInfo> containers() {
        List<ContainerInfo> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(containers)) {
            for (Path d : ds) {
                Path meta = d.resolve(CONTAINER_JSON);
                if (Files.exists(meta)) out.add(StoreFiles.readJson(meta, ContainerInfo.class));
            }
        } catch (IOException e) {
            throw new UserError("store " + root + ": cannot list containers (" + e.getMessage() + ")", e);
        }
        out.sort(Comparator.comparing(ContainerInfo::name));
        return out;
    }

    public ContainerInfo container(String name) {
        checkName(name);
        Path meta = containers.resolve(name).resolve(CONTAINER_JSON);
        if (!Files.exists(meta)) throw new UserError("container " + name + ": no such container in " + root);
        try {
            return StoreFiles.readJson(meta, ContainerInfo.class);
        } catch (IOException e) {
            throw new UserError("container " + name + ": unreadable " + meta + " (" + e.getMessage() + ")", e);
        }
    }

    /** The container's directory (its upper, work and metadata live there). */
    public Path containerDir(String name) {
        return containers.resolve(container(name).name());
    }

    /**
     * The stack of a container by name: its layer chain (top-most first), upper and work.
     * The calling process counts as a user of the container from now until it exits (or
     * {@link #release}), and {@code jfs rm} refuses the container meanwhile: a mount daemon that
     * calls this keeps its container safe for as long as it runs, and nothing is left behind
     * when it dies.
     */
    public LayerStack containerStack(String name) {
        ContainerInfo c = container(name);
        Path dir = containers.resolve(c.name());
        List<Path> lowers = new ArrayList<>();
        if (c.layer() == null) {
            lowers.add(dir.resolve("base"));
        } else {
            if (!Ids.isHex64(Ids.hex(c.layer()))) {
                throw new UserError("container " + name + ": its metadata names no valid layer (" + c.layer() + ")");
            }
            Path top = layers.resolve(Ids.hex(c.layer()));
            if (!Files.exists(top.resolve(LAYER_JSON))) {
                throw new UserError("container " + name + ": its layer " + short12(c.layer())
                        + " is missing from the store (removed with --force?)");
            }
            for (LayerInfo l : chain(readLayer(top))) lowers.add(layerDir(l));
        }
        // The runtime's mount points (runtime/InitLayer), between the image and the upper as docker has them.
        Path init = dir.resolve(INIT_LAYER);
        if (Files.isDirectory(init)) lowers.add(0, init);
        if (lowers.size() > LayerStack.MAX_LOWERS) {
            throw new UserError("container " + name + ": " + lowers.size() + " layers, at most " + LayerStack.MAX_LOWERS);
        }
        holdInUse(dir);
        return new LayerStack(lowers, dir.resolve("upper"), dir.resolve("work"));
    }

    private static void holdInUse(Path dir) {
        Path f = dir.resolve(IN_USE);
        IN_USE_HELD.computeIfAbsent(f, k -> {
            try {
                FileChannel ch = FileChannel.open(k, StandardOpenOption.CREATE, StandardOpenOption.READ,
                        StandardOpenOption.WRITE);
                FileLock l = ch.tryLock(0, Long.MAX_VALUE, true);
                if (l == null) ch.close();
                return l; // null (not recorded) if another process holds it exclusively: rm is running
            } catch (IOException | java.nio.channels.OverlappingFileLockException e) {
                return null;
            }
        });
    }

    /** Ends this process's use of a container (see {@link #containerStack}). */
    public void release(String name) {
        FileLock l = IN_USE_HELD.remove(containers.resolve(name).resolve(IN_USE));
        if (l != null) {
            try {
                l.channel().close();
            } catch (IOException ignored) {
                // closing releases the lock; nothing else to do
            }
        }
    }

    /**
     * Why a container is busy, or null: a process holds it through {@link #containerStack} (for
     * instance a jfs mount daemon), or a mount in /proc/self/mountinfo mentions its directory
     * (a mount point inside it, or overlay/fuse options naming its upper).
     */
    public String busyReason(String name) {
        Path dir = containers.resolve(container(name).name());
        Path f = dir.resolve(IN_USE);
        if (IN_USE_HELD.containsKey(f)) return "this process is using it";
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            FileLock l = StoreLock.tryExclusive(ch);
            if (l == null) return "a running jfs process (a mount?) is using it";
            l.release();
        } catch (IOException e) {
            return "cannot check " + f + " (" + e.getMessage() + ")";
        }
        if (mountLockHeld(dir)) return "it is mounted (a jfs mount holds " + dir.resolve(MOUNT_LOCK) + ")";
        String mount = mountMentioning(dir);
        return mount == null ? null : "it is mounted (" + mount + ")";
    }

    /**
     * Whether a jfs mount serves this container: the mount daemon holds an exclusive lock on
     * {@code work/jfs.lock} for as long as it runs (see MountCommand.serve).
     */
    private static boolean mountLockHeld(Path dir) {
        Path f = dir.resolve(MOUNT_LOCK);
        if (!Files.exists(f)) return false;
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
            FileLock l = StoreLock.tryExclusive(ch);
            if (l == null) return true;
            l.release();
            return false;
        } catch (IOException e) {
            return false;
        }
    }

    /** The mountinfo line that names a path inside {@code dir}, or null. */
    static String mountMentioning(Path dir) {
        String needle = mountinfoEscape(dir.toString());
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"), StandardCharsets.UTF_8)) {
                int i = line.indexOf(needle);
                while (i >= 0) {
                    int end = i + needle.length();
                    if (end == line.length() || " /,:=\\".indexOf(line.charAt(end)) >= 0) {
                        String[] f = line.split(" ");
                        return f.length > 4 ? "at " + f[4] : line;
                    }
                    i = line.indexOf(needle, i + 1);
                }
            }
        } catch (IOException e) {
            return null;
        }
        return null;
    }

    private static String mountinfoEscape(String s) {
        return s.replace("\\", "\\134").replace(" ", "\\040").replace("\t", "\\011").replace("\n", "\\012");
    }

    /** Removes a container and its upper; refused while it is in use or mounted. */
    public void removeContainer(String name) {
        Staging trash;
        try (StoreLock.Held h = lock.acquire()) {
            ContainerInfo c = container(name);
            Path dir = containers.resolve(c.name());
            Path f = dir.resolve(IN_USE);
            if (IN_USE_HELD.containsKey(f)) throw new UserError("container " + name + " is in use by this process");
            // Hold the in-use lock exclusively while we look and remove: no mount can start meanwhile.
            try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                FileLock l = StoreLock.tryExclusive(ch);
                if (l == null) {
                    throw new UserError("container " + name + " is in use by a running jfs process (a mount?): "
                            + "unmount it first");
                }
                if (mountLockHeld(dir)) {
                    throw new UserError("container " + name + " is mounted (a jfs mount holds "
                            + dir.resolve(MOUNT_LOCK) + "): unmount it first");
                }
                String mount = mountMentioning(dir);
                if (mount != null) throw new UserError("container " + name + " is mounted (" + mount + "): unmount it first");
                trash = moveToTrash(dir, containers);
            }
        } catch (IOException e) {
            throw new UserError("container " + name + ": cannot remove (" + e.getMessage() + ")", e);
        }
        trash.close();
    }

    /** Writes a layer tar to a stream and returns its diffID ({@code sha256:<hex>}). */
    @FunctionalInterface
    public interface LayerWriter {
        String writeTo(OutputStream out) throws IOException;
    }

    /**
     * {@code jfs commit CONTAINER}: {@code writer} writes the container's layer into a scratch file
     * of the store, which is then stored (atomically, like an import) as a new layer whose parent
     * is the container's top layer. {@code comment} (may be null) is kept in layer.json.
     */
    public Imported commit(String container, LayerWriter writer, String comment) {
        container(container); // a missing container fails before anything is written
        Staging staging;
        try (StoreLock.Held h = lock.acquire()) {
            staging = Staging.create(tmp, "commit");
        } catch (IOException e) {
            throw new UserError("store " + root + ": cannot make a scratch dir (" + e.getMessage() + ")", e);
        }
        try (staging) {
            Path tar = staging.dir().resolve("layer.tar");
            String diffId;
            try (OutputStream out = Files.newOutputStream(tar, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                diffId = writer.writeTo(out);
            }
            ContainerInfo c = container(container);
            LayerInfo parent = c.layer() == null ? null : layer(c.layer());
            return importInternal(null, tar, "the commit of " + container, parent, diffId, comment, null);
        } catch (IOException e) {
            throw new UserError("commit " + container + ": cannot write its layer (" + e.getMessage() + ")", e);
        }
    }

    /**
     * Stores a layer tarball (uncompressed, already written by commit) as a new layer whose
     * parent is the container's top layer; returns the new layer's id. {@code diffId} is the
     * digest the writer computed ({@code sha256:<hex>}, or null to skip the check); a mismatch
     * fails and stores nothing.
     */
    public String addCommittedLayer(String container, Path uncompressedTar, String diffId) {
        String expect = diffId == null ? null : Ids.digest(diffId, "diffID");
        return importOnContainer(container, uncompressedTar, uncompressedTar.toString(), expect, null).layer().id();
    }

    /** Imports {@code tar} with the container's top layer as parent (both commit paths). */
    private Imported importOnContainer(String container, Path tar, String source, String diffId, String comment) {
        ContainerInfo c = container(container);
        LayerInfo parent = c.layer() == null ? null : layer(c.layer());
        try {
            return importInternal(Files.newInputStream(tar), source, parent, diffId, comment, null);
        } catch (NoSuchFileException e) {
            throw new UserError(tar + ": no such file");
        } catch (IOException e) {
            throw new UserError(tar + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    // ---- helpers -------------------------------------------------------------------------------

    /**
     * A layer tar without a {@code ./} entry leaves its root as the layers below had it (applied
     * in place, as Docker does, nothing would touch it). Stored as a directory of its own, the
     * layer's root would show its own mode at the top of the stack instead: so it takes its
     * parent's mode, owner and times.
     */
    private static void inheritRoot(Path parentDir, Path layerDir) {
        Stat p = Posix.lstat(parentDir.toString());
        String d = layerDir.toString();
        Posix.chmod(d, p.permissions());
        if (Posix.geteuid() == 0) Posix.lchown(d, p.uid(), p.gid());
        Posix.utimens(d, p.atimeSec(), p.atimeNsec(), p.mtimeSec(), p.mtimeNsec());
    }

    /**
     * The layer's metadata in one file beside it ({@link LayerIndex}): mounts then read that
     * instead of every directory and inode of the layer. A layer it cannot be made for (a
     * directory this process cannot read) is stored without one and read from disk as before.
     */
    private static void writeIndex(Path layerDir) throws IOException {
        try {
            LayerIndex.write(layerDir);
        } catch (FsException e) {
            Files.deleteIfExists(Path.of(layerDir + LayerIndex.SUFFIX));
        }
    }

    /**
     * Unpublishes {@code dir} with one rename into a scratch dir of tmp/ (store lock held).
     * Closing the result deletes it, outside the lock; if this process dies first, the next
     * command's cleanup does.
     */
    private Staging moveToTrash(Path dir, Path parent) {
        Staging trash;
        try {
            trash = Staging.create(tmp, "trash");
        } catch (IOException e) {
            throw new UserError("store " + root + ": cannot make a scratch dir (" + e.getMessage() + ")", e);
        }
        try {
            Posix.rename(dir.toString(), trash.dir().resolve("removed").toString());
            StoreFiles.fsyncDir(parent);
        } catch (RuntimeException e) {
            trash.close();
            throw e;
        }
        return trash;
    }

    private LayerInfo readLayer(Path dir) {
        try {
            LayerInfo l = StoreFiles.readJson(dir.resolve(LAYER_JSON), LayerInfo.class);
            if (l.id() == null || !l.hex().equals(dir.getFileName().toString())
                    || (l.parent() != null && !Ids.isHex64(Ids.hex(l.parent())))) {
                throw new UserError("store: " + dir.resolve(LAYER_JSON) + " does not describe the layer "
                        + dir.getFileName() + " (edited by hand?)");
            }
            return l;
        } catch (IOException e) {
            throw new UserError("store: unreadable " + dir.resolve(LAYER_JSON) + " (" + e.getMessage() + ")", e);
        }
    }

    private static String now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS).toString();
    }

    /** Counts bytes read for progress reports. */
    private static final class Counting extends FilterInputStream {
        private final LongConsumer progress;
        private long count;

        Counting(InputStream in, LongConsumer progress) {
            super(in);
            this.progress = progress;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) progress.accept(++count);
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) progress.accept(count += n);
            return n;
        }

        @Override
        public boolean markSupported() {
            return false;
        }
    }
}
