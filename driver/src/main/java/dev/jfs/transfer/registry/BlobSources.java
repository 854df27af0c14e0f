package dev.jfs.transfer.registry;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.jfs.image.OciJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which registry repositories are known to hold a blob ({@code ROOT/registry-sources.json},
 * digest to {@code HOST/REPO}s, newest first): pull and push note them, so that a push to another
 * repository of the same registry can mount the blob there instead of uploading it. Only hints:
 * a lost or stale entry costs an upload, never a wrong image, so the file is replaced whole
 * without the store lock and a failure to write it is ignored.
 */
public final class BlobSources {
    private static final int KEEP = 4;
    private final Path file;
    private final Map<String, List<String>> sources;

    private BlobSources(Path file, Map<String, List<String>> sources) {
        this.file = file;
        this.sources = sources;
    }

    public static BlobSources in(Path storeRoot) {
        Path f = storeRoot.resolve("registry-sources.json");
        try {
            return new BlobSources(f, OciJson.mapper().readValue(Files.readAllBytes(f), new TypeReference<TreeMap<String, List<String>>>() {}));
        } catch (NoSuchFileException e) {
            return new BlobSources(f, new TreeMap<>());
        } catch (IOException e) {
            return new BlobSources(f, new TreeMap<>()); // unreadable hints are no hints
        }
    }

    /** A repository of {@code host} other than {@code repository} known to hold {@code digest}, or null. */
    public synchronized String mountSource(String digest, String host, String repository) {
        for (String s : sources.getOrDefault(digest, List.of())) {
            if (s.startsWith(host + "/") && !s.equals(host + "/" + repository)) return s.substring(host.length() + 1);
        }
        return null;
    }

    /** Notes that {@code host/repository} holds these blobs, and saves (unless it knew that already). */
    public synchronized void noteAll(Collection<String> digests, String host, String repository) {
        String where = host + "/" + repository;
        boolean changed = false;
        for (String d : digests) {
            List<String> had = sources.getOrDefault(d, List.of());
            if (!had.isEmpty() && had.get(0).equals(where)) continue; // a repeated push or pull
            List<String> l = new ArrayList<>(had);
            l.remove(where);
            l.add(0, where);
            sources.put(d, l.size() > KEEP ? l.subList(0, KEEP) : l);
            changed = true;
        }
        if (!changed) return;
        try {
            Path tmp = Files.createTempFile(file.getParent(), ".registry-sources", ".tmp");
            try {
                Files.write(tmp, OciJson.mapper().writeValueAsBytes(sources));
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            // hints only: the next push uploads instead of mounting
        }
    }
}
