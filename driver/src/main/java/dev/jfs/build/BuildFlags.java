package dev.jfs.build;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** An instruction's leading {@code --name=value} and {@code --name} flags, checked against what it accepts. */
final class BuildFlags {
    private final Map<String, String> values = new LinkedHashMap<>();
    private final Map<String, List<String>> repeated = new LinkedHashMap<>();

    private BuildFlags() {}

    /**
     * @param valued flags that take a value, {@code booleans} flags that may stand alone,
     *     {@code repeatable} valued flags that may be given more than once
     */
    static BuildFlags parse(SourceLine line, Set<String> valued, Set<String> booleans, Set<String> repeatable) {
        BuildFlags flags = new BuildFlags();
        for (String raw : line.flags()) {
            String body = raw.substring(2);
            int eq = body.indexOf('=');
            String name = eq < 0 ? body : body.substring(0, eq);
            String value = eq < 0 ? null : body.substring(eq + 1);
            if (booleans.contains(name)) {
                if (value != null && !value.equals("true") && !value.equals("false")) {
                    throw line.error("--" + name + " takes no value or true/false, not \"" + value + "\"");
                }
                flags.values.put(name, value == null ? "true" : value);
            } else if (valued.contains(name) || repeatable.contains(name)) {
                if (value == null) throw line.error("missing a value on flag --" + name + " (write --" + name + "=VALUE)");
                if (repeatable.contains(name)) {
                    flags.repeated.computeIfAbsent(name, k -> new java.util.ArrayList<>()).add(value);
                } else if (flags.values.put(name, value) != null) {
                    throw line.error("duplicate flag specified: --" + name);
                }
            } else {
                throw line.error("unknown flag: --" + name + " on " + line.keyword().toUpperCase(java.util.Locale.ROOT));
            }
        }
        return flags;
    }

    String get(String name) {
        return values.get(name);
    }

    boolean isTrue(String name) {
        return "true".equals(values.get(name));
    }

    List<String> all(String name) {
        return repeated.getOrDefault(name, List.of());
    }
}
