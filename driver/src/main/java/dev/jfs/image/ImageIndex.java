package dev.jfs.image;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** An OCI image index ({@code index.json} of a layout) or a Docker manifest list. */
public final class ImageIndex extends JsonObject {
    /** The annotation naming an image in an OCI layout ({@code NAME:TAG} or just {@code TAG}). */
    public static final String REF_NAME = "org.opencontainers.image.ref.name";
    /** What containerd and Docker 25+ add: the full {@code NAME:TAG}. */
    public static final String CONTAINERD_NAME = "io.containerd.image.name";

    @JsonProperty("schemaVersion")
    public int schemaVersion = 2;
    @JsonProperty("mediaType")
    public String mediaType;
    @JsonProperty("manifests")
    public List<Descriptor> manifests = new ArrayList<>();
    @JsonProperty("annotations")
    public Map<String, String> annotations;
}
