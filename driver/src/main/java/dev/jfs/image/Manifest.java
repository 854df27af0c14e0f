package dev.jfs.image;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** An image manifest (OCI v1 or Docker schema 2, which have the same shape): config and layers. */
public final class Manifest extends JsonObject {
    @JsonProperty("schemaVersion")
    public int schemaVersion = 2;
    @JsonProperty("mediaType")
    public String mediaType;
    @JsonProperty("config")
    public Descriptor config;
    @JsonProperty("layers")
    public List<Descriptor> layers = new ArrayList<>();
    @JsonProperty("annotations")
    public Map<String, String> annotations;

    public Manifest() {}

    /** An OCI manifest naming {@code config} and {@code layers} (bottom first). */
    public static Manifest oci(Descriptor config, List<Descriptor> layers) {
        Manifest m = new Manifest();
        m.mediaType = MediaTypes.OCI_MANIFEST;
        m.config = config;
        m.layers = new ArrayList<>(layers);
        return m;
    }
}
