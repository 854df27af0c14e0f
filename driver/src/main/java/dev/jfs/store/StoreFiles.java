package dev.jfs.store;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.jfs.posix.DirEntry;
import dev.jfs.posix.Errno;
import dev.jfs.posix.FsException;
import dev.jfs.posix.Posix;
import dev.jfs.posix.Stat;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** The store's file primitives: durable JSON writes, directory fsync, tree removal. */
final class StoreFiles {
    static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private StoreFiles() {}

    /** Writes JSON through a tmp file in the same directory, fsync, rename, fsync of the directory. */
    static void writeJson(Path file, Object value) throws IOException {
        writeBytes(file, JSON.writeValueAsBytes(value));
    }

    /** Writes bytes durably and atomically, as {@link #writeJson}. */
    static void writeBytes(Path file, byte[] bytes) throws IOException {
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer bb = ByteBuffer.wrap(bytes);
            while (bb.hasRemaining()) ch.write(bb);
            ch.force(true);
        }
        Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        fsyncDir(file.getParent());
    }

    static <T> T readJson(Path file, Class<T> type) throws IOException {
        return JSON.readValue(file.toFile(), type);
    }

    static void fsyncDir(Path dir) {
        Posix.fsyncPath(dir.toString());
    }

    /** Removes a tree without following symlinks; tolerates entries vanishing meanwhile. */
    static void removeTree(Path path) {
        removeTree(path.toString());
    }

    private static void removeTree(String path) {
        Stat st = Posix.lstatOrNull(path);
        if (st == null) return;
        if (!st.isDirectory()) {
            unlinkQuietly(path);
            return;
        }
        if ((st.mode() & 0700) != 0700) Posix.chmod(path, st.permissions() | 0700); // a 0555 dir of a layer
        for (DirEntry d : Posix.readDir(path)) removeTree(path + "/" + d.name());
        try {
            Posix.rmdir(path);
        } catch (FsException e) {
            if (e.errno() != Errno.ENOENT) throw e;
        }
    }

    private static void unlinkQuietly(String path) {
        try {
            Posix.unlink(path);
        } catch (FsException e) {
            if (e.errno() != Errno.ENOENT) throw e;
        }
    }
}
