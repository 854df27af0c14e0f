package dev.jfs.transfer;

import dev.jfs.image.Descriptor;
import dev.jfs.image.Digests;
import dev.jfs.image.ImageRef;
import dev.jfs.image.OciJson;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The docker-archive's own files: {@code manifest.json} (per image: its config file, tags, layer
 * files, bottom first) and {@code repositories} (NAME to TAG to the top layer), pointing at the
 * same {@code blobs/sha256/} files the OCI layout uses, as Docker 25+ writes them.
 */
final class DockerArchiveWriter {
    private DockerArchiveWriter() {}

    static byte[] manifestJson(List<SavedImage> images) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (SavedImage s : images) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("Config", path(s.image().id()));
            m.put("RepoTags", s.tags().isEmpty() ? null : s.tags());
            List<String> layers = new ArrayList<>();
            for (Descriptor d : s.layers()) layers.add(path(d.digest));
            m.put("Layers", layers);
            out.add(m);
        }
        return OciJson.write(out);
    }

    static byte[] repositories(List<SavedImage> images) {
        Map<String, Map<String, String>> repos = new TreeMap<>();
        for (SavedImage s : images) {
            List<String> diffIds = s.image().config().diffIds();
            if (diffIds.isEmpty()) continue;
            String top = Digests.hex(diffIds.get(diffIds.size() - 1));
            for (String t : s.tags()) {
                ImageRef r = ImageRef.parse(t);
                repos.computeIfAbsent(r.name(), k -> new TreeMap<>()).put(r.tag(), top);
            }
        }
        return OciJson.write(repos);
    }

    private static String path(String digest) {
        return "blobs/sha256/" + Digests.hex(digest);
    }
}
