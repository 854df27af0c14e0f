package dev.jfs.image;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/** An OCI content descriptor: what a blob is, its digest and size. */
public final class Descriptor extends JsonObject {
    @JsonProperty("mediaType")
    public String mediaType;
    @JsonProperty("digest")
    public String digest;
    @JsonProperty("size")
    public long size;
    @JsonProperty("annotations")
    public Map<String, String> annotations;
    @JsonProperty("platform")
    public Map<String, Object> platform;

    public Descriptor() {}

    public Descriptor(String mediaType, String digest, long size) {
        this.mediaType = mediaType;
        this.digest = digest;
        this.size = size;
    }
}
