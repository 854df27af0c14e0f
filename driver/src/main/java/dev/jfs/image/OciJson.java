package dev.jfs.image;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.jfs.UserError;
import java.io.IOException;

/**
 * Reading and writing the image documents. Writing is canonical: no whitespace, fields sorted
 * by name, map keys sorted, nulls left out; so the same image always gives the same bytes and
 * the same id. Reading tolerates and keeps unknown fields ({@link JsonObject}).
 */
public final class OciJson {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(MapperFeature.AUTO_DETECT_GETTERS)
            .disable(MapperFeature.AUTO_DETECT_IS_GETTERS)
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .build();

    private OciJson() {}

    /** The canonical bytes of {@code value}. */
    public static byte[] write(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    /** Parses {@code bytes} as {@code type}; {@code what} names the document in the error. */
    public static <T> T parse(byte[] bytes, Class<T> type, String what) {
        try {
            T t = MAPPER.readValue(bytes, type);
            if (t == null) throw new UserError(what + ": empty JSON document");
            return t;
        } catch (IOException e) {
            throw new UserError(what + ": not a valid " + type.getSimpleName() + " (" + firstLine(e.getMessage()) + ")", e);
        }
    }

    /** The mapper, for callers that read other JSON shapes (docker-archive's manifest.json). */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    private static String firstLine(String s) {
        if (s == null) return "";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
