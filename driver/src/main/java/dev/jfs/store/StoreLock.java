package dev.jfs.store;

import dev.jfs.UserError;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The store-wide lock: {@code flock}-style {@link FileLock} on {@code ROOT/store.lock} between
 * processes, a {@link ReentrantLock} between threads of one JVM (file locks are per process).
 * Every change of {@code layers/}, {@code containers/} and {@code tmp/} happens under it; the slow
 * part of an import (extraction into a private scratch dir) happens outside it.
 */
final class StoreLock {
    private static final ConcurrentHashMap<Path, StoreLock> LOCKS = new ConcurrentHashMap<>();

    private final Path file;
    private final ReentrantLock threads = new ReentrantLock();
    private FileChannel channel;
    private FileLock lock;

    private StoreLock(Path file) {
        this.file = file;
    }

    static StoreLock of(Path root) {
        return LOCKS.computeIfAbsent(root.toAbsolutePath().normalize(), r -> new StoreLock(r.resolve("store.lock")));
    }

    /** Takes the lock (waiting for other processes); closing the result releases it. Reentrant. */
    Held acquire() {
        threads.lock();
        if (threads.getHoldCount() == 1) {
            try {
                channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                lock = channel.lock();
            } catch (IOException | RuntimeException e) {
                closeChannel();
                threads.unlock();
                throw new UserError("store lock " + file + ": " + e.getMessage(), e);
            }
        }
        return this::release;
    }

    private void release() {
        if (threads.getHoldCount() == 1) {
            try {
                if (lock != null) lock.release();
            } catch (IOException ignored) {
                // closing the channel below releases it too
            }
            closeChannel();
        }
        threads.unlock();
    }

    private void closeChannel() {
        try {
            if (channel != null) channel.close();
        } catch (IOException ignored) {
            // nothing to do: the lock dies with the channel or the process
        }
        channel = null;
        lock = null;
    }

    /** A held lock; close to release. */
    interface Held extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Tries to take an exclusive lock on {@code file} without waiting; null if another process
     * (or this JVM) holds it. Used to tell a live scratch dir or container user from a dead one.
     */
    static FileLock tryExclusive(FileChannel ch) throws IOException {
        try {
            return ch.tryLock();
        } catch (OverlappingFileLockException e) {
            return null;
        }
    }
}
