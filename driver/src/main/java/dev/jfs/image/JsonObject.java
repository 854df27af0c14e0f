package dev.jfs.image;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import java.util.Map;
import java.util.TreeMap;

/**
 * A JSON object of the OCI/Docker formats that keeps the fields jfs does not model, so that an
 * image read and written again loses nothing (a registry's or another tool's extensions).
 */
public abstract class JsonObject {
    private final Map<String, Object> other = new TreeMap<>();

    @JsonAnySetter
    void setOther(String key, Object value) {
        other.put(key, value);
    }

    /** The fields jfs does not model, by name. */
    @JsonAnyGetter
    public Map<String, Object> other() {
        return other;
    }
}
