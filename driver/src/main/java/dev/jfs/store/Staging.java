package dev.jfs.store;

import dev.jfs.posix.Posix;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * A scratch directory in {@code ROOT/tmp} where a new layer or container is built before a
 * rename publishes it. Its owner holds an exclusive lock on {@code tmp/NAME.lock} for as long as
 * it lives, so {@link #cleanStale} (run by every command, under the store lock) removes exactly
 * the scratch dirs whose process is gone, never one that is still being filled. Created under the
 * store lock, so that creation and cleanup never interleave.
 */
public final class Staging implements AutoCloseable {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String LOCK_SUFFIX = ".lock";

    private final Path dir;
    private final Path lockFile;
    private final FileChannel channel;
    private final FileLock lock;

    private Staging(Path dir, Path lockFile, FileChannel channel, FileLock lock) {
        this.dir = dir;
        this.lockFile = lockFile;
        this.channel = channel;
        this.lock = lock;
    }

    /** A new empty scratch dir in {@code tmp}; call with the store lock held. */
    static Staging create(Path tmp, String kind) throws IOException {
        String name = kind + "-" + randomName();
        Path lockFile = tmp.resolve(name + LOCK_SUFFIX);
        FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = ch.lock();
            Posix.mkdir(tmp.resolve(name).toString(), 0700);
        } catch (IOException | RuntimeException e) {
            ch.close();
            Files.deleteIfExists(lockFile);
            throw e;
        }
        return new Staging(tmp.resolve(name), lockFile, ch, lock);
    }

    /** A name for a scratch path that no lock protects (stale as soon as its maker lets go). */
    static Path unprotected(Path tmp, String kind) {
        return tmp.resolve(kind + "-" + randomName());
    }

    private static String randomName() {
        byte[] b = new byte[8];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    public Path dir() {
        return dir;
    }

    /** Removes what is left of the scratch dir (nothing, once published) and lets go of the lock. */
    @Override
    public void close() {
        try {
            StoreFiles.removeTree(dir);
            Files.deleteIfExists(lockFile);
        } catch (IOException | RuntimeException e) {
            // left for the next command's cleanup once our lock is gone
        } finally {
            try {
                lock.release();
                channel.close();
            } catch (IOException ignored) {
                // the lock dies with the channel or the process
            }
        }
    }

    /** Removes scratch dirs and lock files of dead processes. Call with the store lock held. */
    static int cleanStale(Path tmp) throws IOException {
        int removed = 0;
        if (!Files.isDirectory(tmp)) return 0;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(tmp)) {
            for (Path p : ds) {
                String name = p.getFileName().toString();
                if (name.endsWith(LOCK_SUFFIX)) {
                    Path owned = tmp.resolve(name.substring(0, name.length() - LOCK_SUFFIX.length()));
                    if (!Files.exists(owned, java.nio.file.LinkOption.NOFOLLOW_LINKS) && releaseIfDead(p, null)) {
                        removed++;
                    }
                    continue;
                }
                Path lockFile = tmp.resolve(name + LOCK_SUFFIX);
                if (!Files.exists(lockFile)) {
                    StoreFiles.removeTree(p);
                    removed++;
                } else if (releaseIfDead(lockFile, p)) {
                    removed++;
                }
            }
        }
        return removed;
    }

    /** If nobody holds {@code lockFile}: removes {@code owned} (if any) and the lock file. */
    private static boolean releaseIfDead(Path lockFile, Path owned) throws IOException {
        FileChannel ch;
        try {
            ch = FileChannel.open(lockFile, StandardOpenOption.WRITE);
        } catch (java.nio.file.NoSuchFileException e) {
            return false;
        }
        try (ch) {
            FileLock l = StoreLock.tryExclusive(ch);
            if (l == null) return false; // a live process is filling it
            try {
                if (owned != null) StoreFiles.removeTree(owned);
                Files.deleteIfExists(lockFile);
            } finally {
                l.release();
            }
            return true;
        }
    }
}
