package dev.jfs.build;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;

/** The JSON the parser reads (exec form) and writes (history text), in Docker's spelling. */
final class Json {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {}

    /** The strings of a JSON array, or null when the text is not one. */
    static List<String> stringArray(String text) {
        String t = text.strip();
        if (!t.startsWith("[")) return null;
        try {
            JsonNode node = MAPPER.readTree(t);
            if (node == null || !node.isArray()) return null;
            List<String> out = new ArrayList<>();
            for (JsonNode e : node) {
                if (!e.isTextual()) return null;
                out.add(e.textValue());
            }
            return out;
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    /** {@code ["a","b"]} as Go's encoding/json writes it (no spaces). */
    static String array(List<String> items) {
        try {
            return MAPPER.writeValueAsString(items);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
