package dev.jfs.transfer;

import dev.jfs.UserError;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarFile;

/**
 * The files of an image archive (a tar on disk) by name, read in any order: an archive's index
 * may come after its blobs. Names are normalized ({@code ./a} is {@code a}); a symlink or hard
 * link (docker save links shared layers) is followed within the archive.
 */
final class ArchiveEntries implements AutoCloseable {
    private static final int MAX_JSON = 16 << 20;
    private static final int MAX_LINKS = 16;
    private final TarFile tar;
    private final String source;
    private final Map<String, TarArchiveEntry> byName = new HashMap<>();

    ArchiveEntries(Path file, String source) throws IOException {
        this.source = source;
        try {
            tar = new TarFile(file);
        } catch (IOException e) {
            throw new UserError(source + ": not a tar archive (" + e.getMessage() + ")", e);
        }
        for (TarArchiveEntry e : tar.getEntries()) byName.put(normalize(e.getName()), e);
    }

    boolean has(String name) {
        return find(name) != null;
    }

    /** The size of a file of the archive, or -1 if it has none by that name. */
    long size(String name) {
        TarArchiveEntry e = find(name);
        return e == null ? -1 : e.getSize();
    }

    InputStream open(String name) throws IOException {
        TarArchiveEntry e = find(name);
        if (e == null) throw new UserError(source + ": it has no file " + name);
        return new BufferedInputStream(tar.getInputStream(e), 1 << 20);
    }

    /** A small file (a JSON document) whole. */
    byte[] read(String name) throws IOException {
        long size = size(name);
        if (size > MAX_JSON) throw new UserError(source + ": " + name + " is too big for a JSON document (" + size + " bytes)");
        try (InputStream in = open(name)) {
            return in.readAllBytes();
        }
    }

    private TarArchiveEntry find(String name) {
        String n = normalize(name);
        for (int i = 0; i < MAX_LINKS; i++) {
            TarArchiveEntry e = byName.get(n);
            if (e == null || !(e.isSymbolicLink() || e.isLink())) return e != null && e.isFile() ? e : null;
            String target = e.getLinkName();
            if (e.isSymbolicLink() && !target.startsWith("/")) {
                int slash = n.lastIndexOf('/');
                target = (slash < 0 ? "" : n.substring(0, slash + 1)) + target;
            }
            n = normalize(target);
        }
        throw new UserError(source + ": " + name + " is a chain of more than " + MAX_LINKS + " links");
    }

    /** {@code ./a//b/../c} is {@code a/c}; a name climbing out of the archive names nothing. */
    static String normalize(String name) {
        java.util.ArrayDeque<String> parts = new java.util.ArrayDeque<>();
        for (String p : name.split("/")) {
            if (p.isEmpty() || p.equals(".")) continue;
            if (p.equals("..")) {
                if (parts.isEmpty()) return "\0outside";
                parts.removeLast();
            } else {
                parts.addLast(p);
            }
        }
        return String.join("/", parts);
    }

    @Override
    public void close() throws IOException {
        tar.close();
    }
}
