package dev.jfs.build;

import dev.jfs.build.Instruction.*;
import dev.jfs.image.ContainerConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the instructions that make no layer do to the image's config, as Docker does it, and
 * the history text Docker writes for them ({@code /bin/sh -c #(nop)  CMD ["x"]}). Arguments
 * are expanded with the stage's variables first, where Docker expands them.
 */
final class ConfigEditor {
    static final List<String> DEFAULT_SHELL = List.of("/bin/sh", "-c");

    private final ShellLexer lexer;

    ConfigEditor(char escape) {
        this.lexer = new ShellLexer(escape);
    }

    /** Whether the stage set CMD itself (an ENTRYPOINT then leaves it; else ENTRYPOINT clears the inherited one). */
    static final class StageFlags {
        boolean cmdSet;
    }

    /**
     * Applies one config instruction and returns its history text (null for ARG, which leaves
     * no history). {@code vars} gives the values expansion uses.
     */
    String apply(Instruction in, ContainerConfig c, ShellLexer.Variables vars, StageFlags flags) {
        SourceLine src = in.source();
        try {
            if (in instanceof Env e) {
                List<String> words = new ArrayList<>();
                // Every pair sees the values from before the line (docker's ENV abc=bye def=$abc gives def the old abc).
                for (KeyValue kv : e.pairs()) {
                    String key = lexer.word(kv.key(), vars);
                    String value = lexer.word(kv.value(), vars);
                    setEnv(c, key, value);
                    words.add(key + "=" + value);
                }
                return nop("ENV " + String.join(" ", words));
            }
            if (in instanceof Label l) {
                List<String> words = new ArrayList<>();
                if (c.labels == null) c.labels = new LinkedHashMap<>();
                for (KeyValue kv : l.pairs()) {
                    String key = lexer.word(kv.key(), vars);
                    String value = lexer.word(kv.value(), vars);
                    c.labels.put(key, value);
                    words.add(quote(key) + "=" + quote(value));
                }
                return nop("LABEL " + String.join(" ", words));
            }
            if (in instanceof Workdir w) {
                String dir = lexer.word(w.path(), vars);
                c.workingDir = workdir(c.workingDir, dir);
                return nop("WORKDIR " + c.workingDir);
            }
            if (in instanceof User u) {
                c.user = lexer.word(u.user(), vars);
                return nop("USER " + c.user);
            }
            if (in instanceof Expose x) {
                List<String> ports = new ArrayList<>();
                for (String p : x.ports()) ports.addAll(lexer.words(p, vars));
                if (c.exposedPorts == null) c.exposedPorts = new TreeMap<>();
                List<String> added = new ArrayList<>();
                for (String p : ports) {
                    for (String port : ports(src, p)) {
                        c.exposedPorts.put(port, Map.of());
                        added.add(port);
                    }
                }
                return nop("EXPOSE " + String.join(" ", added.stream().sorted().toList()));
            }
            if (in instanceof Volume v) {
                if (c.volumes == null) c.volumes = new TreeMap<>();
                List<String> paths = new ArrayList<>();
                for (String p : v.paths()) {
                    String path = lexer.word(p, vars);
                    if (path.isBlank()) throw src.error("VOLUME specified can not be an empty string");
                    c.volumes.put(path, Map.of());
                    paths.add(path);
                }
                return nop("VOLUME " + Json.array(paths));
            }
            if (in instanceof StopSignal s) {
                c.stopSignal = lexer.word(s.signal(), vars);
                if (!c.stopSignal.matches("(SIG)?[A-Z0-9+-]+|\\d+")) throw src.error("STOPSIGNAL: invalid signal \"" + c.stopSignal + "\"");
                return nop("STOPSIGNAL " + c.stopSignal);
            }
            if (in instanceof Shell s) {
                c.shell = new ArrayList<>(s.shell());
                return nop("SHELL " + Json.array(s.shell()));
            }
            if (in instanceof Cmd cmd) {
                c.cmd = new ArrayList<>(cmd.command().argv(shell(c)));
                flags.cmdSet = true;
                return nop("CMD " + Json.array(c.cmd));
            }
            if (in instanceof Entrypoint ep) {
                c.entrypoint = new ArrayList<>(ep.command().argv(shell(c)));
                if (!flags.cmdSet) c.cmd = null;
                return nop("ENTRYPOINT " + Json.array(c.entrypoint));
            }
            if (in instanceof Healthcheck h) {
                Map<String, Object> hc = new LinkedHashMap<>();
                hc.put("Test", h.test());
                if (h.interval() > 0) hc.put("Interval", h.interval());
                if (h.timeout() > 0) hc.put("Timeout", h.timeout());
                if (h.startPeriod() > 0) hc.put("StartPeriod", h.startPeriod());
                if (h.startInterval() > 0) hc.put("StartInterval", h.startInterval());
                if (h.retries() > 0) hc.put("Retries", h.retries());
                c.healthcheck = hc;
                return nop("HEALTHCHECK " + (h.test().get(0).equals("NONE") ? "NONE" : "&{" + Json.array(h.test()) + "}"));
            }
            if (in instanceof OnBuild o) {
                if (c.onBuild == null) c.onBuild = new ArrayList<>();
                c.onBuild.add(o.expression());
                return nop("ONBUILD " + o.expression());
            }
            if (in instanceof Maintainer m) {
                return nop("MAINTAINER " + m.name());
            }
        } catch (IllegalArgumentException e) {
            throw src.error(e.getMessage());
        }
        throw new IllegalArgumentException("not a config instruction: " + src.original());
    }

    /** Docker's history text for an instruction that makes no layer. */
    static String nop(String text) {
        return "/bin/sh -c #(nop)  " + text;
    }

    static List<String> shell(ContainerConfig c) {
        return c.shell == null || c.shell.isEmpty() ? DEFAULT_SHELL : c.shell;
    }

    static void setEnv(ContainerConfig c, String key, String value) {
        List<String> env = c.env == null ? new ArrayList<>() : new ArrayList<>(c.env);
        boolean replaced = false;
        for (int i = 0; i < env.size(); i++) {
            if (env.get(i).startsWith(key + "=")) {
                env.set(i, key + "=" + value);
                replaced = true;
            }
        }
        if (!replaced) env.add(key + "=" + value);
        c.env = env;
    }

    /** WORKDIR: relative to the current one, cleaned. */
    static String workdir(String current, String dir) {
        if (dir.startsWith("/")) return DockerIgnore.clean(dir);
        String base = current == null || current.isEmpty() ? "/" : current;
        return DockerIgnore.clean(base + "/" + dir);
    }

    /** EXPOSE's ports: {@code 80}, {@code 80/udp}, {@code 8000-8002/tcp} as {@code PORT/PROTO} keys. */
    static List<String> ports(SourceLine src, String spec) {
        String proto = "tcp";
        String range = spec;
        int slash = spec.indexOf('/');
        if (slash >= 0) {
            proto = spec.substring(slash + 1).toLowerCase(java.util.Locale.ROOT);
            range = spec.substring(0, slash);
        }
        if (!proto.equals("tcp") && !proto.equals("udp") && !proto.equals("sctp")) {
            throw src.error("EXPOSE: invalid protocol in \"" + spec + "\" (tcp, udp or sctp)");
        }
        int dash = range.indexOf('-');
        try {
            int from = Integer.parseInt(dash < 0 ? range : range.substring(0, dash));
            int to = dash < 0 ? from : Integer.parseInt(range.substring(dash + 1));
            if (from < 1 || to > 65535 || to < from) throw new NumberFormatException();
            List<String> out = new ArrayList<>();
            for (int p = from; p <= to; p++) out.add(p + "/" + proto);
            return out;
        } catch (NumberFormatException e) {
            throw src.error("EXPOSE: invalid port \"" + spec + "\" (1-65535, a range like 8000-8010, /tcp /udp /sctp)");
        }
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
