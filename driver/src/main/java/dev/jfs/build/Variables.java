package dev.jfs.build;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The variables a stage's instructions expand: the config's Env first (an ENV always wins over
 * an ARG of the same name), then the ARGs the stage declared. The ARG values also reach RUN's
 * environment without entering the image's config.
 */
final class Variables implements ShellLexer.Variables {
    private final List<String> env;
    private final Map<String, String> args;

    Variables(List<String> env, Map<String, String> args) {
        this.env = env == null ? List.of() : env;
        this.args = args;
    }

    @Override
    public String get(String name) {
        for (int i = env.size() - 1; i >= 0; i--) {
            String e = env.get(i);
            if (e.startsWith(name + "=")) return e.substring(name.length() + 1);
        }
        return args.get(name);
    }

    /** RUN's environment: Env, then the declared ARGs with a value that no Env entry names. */
    static List<String> runEnvironment(List<String> env, Map<String, String> args) {
        Map<String, String> merged = new LinkedHashMap<>();
        if (env != null) {
            for (String e : env) {
                int eq = e.indexOf('=');
                if (eq > 0) merged.put(e.substring(0, eq), e.substring(eq + 1));
            }
        }
        args.forEach((k, v) -> {
            if (v != null) merged.putIfAbsent(k, v);
        });
        List<String> out = new ArrayList<>();
        merged.forEach((k, v) -> out.add(k + "=" + v));
        return out;
    }
}
