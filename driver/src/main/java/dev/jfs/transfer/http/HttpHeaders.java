package dev.jfs.transfer.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;

/** A response's header fields, names compared without case. */
public final class HttpHeaders {
    private final Map<String, List<String>> fields = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);

    void add(String name, String value) {
        fields.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
    }

    public Optional<String> firstValue(String name) {
        List<String> v = fields.get(name);
        return v == null ? Optional.empty() : Optional.of(v.get(0));
    }

    /** The field as a number; empty when it is missing or not one. */
    public OptionalLong firstValueAsLong(String name) {
        try {
            return firstValue(name).map(v -> OptionalLong.of(Long.parseLong(v.trim()))).orElse(OptionalLong.empty());
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /** Whether a comma-separated field (Connection, Transfer-Encoding) has {@code token} among its values. */
    boolean hasToken(String name, String token) {
        for (String v : fields.getOrDefault(name, List.of())) {
            for (String t : v.split(",")) if (t.trim().equalsIgnoreCase(token)) return true;
        }
        return false;
    }
}
