package dev.jfs.transfer;

import dev.jfs.image.Descriptor;
import dev.jfs.image.ImageIndex;
import dev.jfs.image.ImageRef;
import dev.jfs.image.MediaTypes;
import dev.jfs.image.OciJson;
import java.nio.charset.StandardCharsets;
import java.util.TreeMap;

/**
 * The OCI image layout's own files. {@code index.json} names each tag of each image as Docker 25+
 * does: {@code org.opencontainers.image.ref.name} is the tag, {@code io.containerd.image.name} the
 * full {@code NAME:TAG}; an image saved without a tag has one entry without names.
 */
final class OciLayoutWriter {
    private OciLayoutWriter() {}

    static byte[] layoutFile() {
        return "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8);
    }

    static byte[] index(java.util.List<SavedImage> images) {
        ImageIndex index = new ImageIndex();
        index.mediaType = MediaTypes.OCI_INDEX;
        for (SavedImage s : images) {
            if (s.tags().isEmpty()) index.manifests.add(descriptor(s));
            for (String t : s.tags()) {
                Descriptor d = descriptor(s);
                d.annotations = new TreeMap<>();
                d.annotations.put(ImageIndex.CONTAINERD_NAME, t);
                d.annotations.put(ImageIndex.REF_NAME, ImageRef.parse(t).tag());
                index.manifests.add(d);
            }
        }
        return OciJson.write(index);
    }

    private static Descriptor descriptor(SavedImage s) {
        return new Descriptor(s.manifestMediaType(), s.manifestDigest(), s.manifest().length);
    }
}
