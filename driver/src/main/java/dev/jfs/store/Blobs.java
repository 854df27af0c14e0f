package dev.jfs.store;

import dev.jfs.UserError;
import dev.jfs.archive.DigestingInputStream;
import dev.jfs.image.Digests;
import dev.jfs.posix.Posix;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The store's content-addressed blobs, {@code ROOT/blobs/sha256/HEX}: layer blobs as imported or
 * committed, image configs and manifests. A blob is only ever published under the digest of its
 * bytes, written to a scratch file, synced and renamed into place; it never changes after.
 */
public final class Blobs {
    private final Store store;
    private final Path dir;

    Blobs(Store store, Path dir) {
        this.store = store;
        this.dir = dir;
    }

    Path dir() {
        return dir;
    }

    /** Where the blob with this digest is (whether or not it exists). */
    public Path path(String digest) {
        return dir.resolve(Digests.hex(Digests.check(digest, "blob")));
    }

    public boolean has(String digest) {
        return Digests.isDigest(digest) && Files.isRegularFile(path(digest));
    }

    /** The blob's bytes; a missing blob is a {@link UserError}. */
    public InputStream open(String digest) {
        try {
            return Files.newInputStream(path(digest));
        } catch (NoSuchFileException e) {
            throw new UserError("blob " + digest + ": not in the store " + store.root());
        } catch (IOException e) {
            throw new UserError("blob " + digest + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    public byte[] read(String digest) {
        try (InputStream in = open(digest)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UserError("blob " + digest + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    public long size(String digest) {
        try {
            return Files.size(path(digest));
        } catch (IOException e) {
            throw new UserError("blob " + digest + ": not in the store " + store.root());
        }
    }

    /** Stores small bytes (a config, a manifest) and returns their digest. */
    public String put(byte[] bytes) {
        return put(new java.io.ByteArrayInputStream(bytes), Digests.sha256(bytes), "blob");
    }

    /**
     * Stores the bytes of {@code in} (closed at the end) if their digest is {@code expect} (null:
     * whatever it is) and returns the digest. A mismatch stores nothing and is a
     * {@link UserError} naming {@code source}.
     */
    public String put(InputStream in, String expect, String source) {
        try (Staging staging = store.staging("blob"); in) {
            Path file = staging.dir().resolve("blob");
            String digest;
            try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE_NEW)) {
                DigestingInputStream d = new DigestingInputStream(in, out);
                d.drain();
                digest = d.digest();
            }
            if (expect != null && !expect.equals(digest)) {
                throw new UserError(source + ": its digest is " + digest + ", not " + expect);
            }
            Posix.fsyncPath(file.toString());
            try (StoreLock.Held h = store.lock().acquire()) {
                publish(file, digest);
            }
            return digest;
        } catch (IOException e) {
            throw new UserError(source + ": cannot store (" + e.getMessage() + ")", e);
        }
    }

    /** Renames a synced scratch file into place unless the blob is there already. Store lock held. */
    void publish(Path file, String digest) throws IOException {
        Path dest = path(digest);
        if (Files.exists(dest)) {
            Files.delete(file); // not left in a staged layer's dir, which is published next
            return;
        }
        Posix.rename(file.toString(), dest.toString());
        StoreFiles.fsyncDir(dir);
    }

    /** Every blob's digest. */
    List<String> all() {
        List<String> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                String d = Digests.SHA256 + p.getFileName();
                if (Digests.isDigest(d)) out.add(d);
            }
        } catch (IOException e) {
            throw new UserError("store " + store.root() + ": cannot list blobs (" + e.getMessage() + ")", e);
        }
        return out;
    }

    /** Removes a blob (store lock held); a missing one is fine. */
    void remove(String digest) throws IOException {
        Files.deleteIfExists(path(digest));
    }
}
