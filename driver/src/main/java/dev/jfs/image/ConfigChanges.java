package dev.jfs.image;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.jfs.UserError;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The Dockerfile instructions {@code commit -c} and {@code import -c} apply to an image's run
 * config, as {@code docker commit --change} does: CMD, ENTRYPOINT, SHELL, ENV, WORKDIR, USER,
 * LABEL, EXPOSE, VOLUME, STOPSIGNAL. Exec form (a JSON array) or shell form (run by the image's
 * SHELL, default {@code /bin/sh -c}).
 */
public final class ConfigChanges {
    private ConfigChanges() {}

    /** Applies each instruction in order to {@code config}. */
    public static void apply(ContainerConfig config, List<String> instructions) {
        for (String i : instructions) apply(config, i);
    }

    /** Applies one instruction such as {@code ENV A=1 B=2} or {@code CMD ["sh"]}. */
    public static void apply(ContainerConfig c, String instruction) {
        String s = instruction.strip();
        int sp = indexOfSpace(s);
        String word = (sp < 0 ? s : s.substring(0, sp)).toUpperCase(Locale.ROOT);
        String arg = sp < 0 ? "" : s.substring(sp).strip();
        if (arg.isEmpty()) throw bad(instruction, word + " needs an argument");
        switch (word) {
            case "CMD" -> c.cmd = command(c, arg, instruction);
            case "ENTRYPOINT" -> c.entrypoint = command(c, arg, instruction);
            case "SHELL" -> c.shell = jsonArray(arg, instruction);
            case "ENV" -> env(c, arg, instruction);
            case "WORKDIR" -> c.workingDir = workdir(c.workingDir, arg);
            case "USER" -> c.user = arg;
            case "LABEL" -> {
                if (c.labels == null) c.labels = new TreeMap<>();
                c.labels.putAll(pairs(arg, instruction, false));
            }
            case "EXPOSE" -> {
                if (c.exposedPorts == null) c.exposedPorts = new TreeMap<>();
                for (String p : words(arg, instruction)) c.exposedPorts.put(port(p, instruction), Map.of());
            }
            case "VOLUME" -> {
                if (c.volumes == null) c.volumes = new TreeMap<>();
                List<String> vs = arg.startsWith("[") ? jsonArray(arg, instruction) : words(arg, instruction);
                for (String v : vs) c.volumes.put(v, Map.of());
            }
            case "STOPSIGNAL" -> c.stopSignal = arg;
            default -> throw bad(instruction, "use CMD, ENTRYPOINT, SHELL, ENV, WORKDIR, USER, LABEL, EXPOSE,"
                    + " VOLUME or STOPSIGNAL");
        }
    }

    private static List<String> command(ContainerConfig c, String arg, String instruction) {
        if (arg.startsWith("[")) return jsonArray(arg, instruction);
        List<String> out = new ArrayList<>(c.shell != null && !c.shell.isEmpty() ? c.shell : List.of("/bin/sh", "-c"));
        out.add(arg);
        return out;
    }

    private static List<String> jsonArray(String arg, String instruction) {
        try {
            List<String> l = OciJson.mapper().readValue(arg, new TypeReference<List<String>>() {});
            if (l == null || l.stream().anyMatch(x -> x == null)) throw bad(instruction, "a JSON array of strings");
            return l;
        } catch (IOException e) {
            throw bad(instruction, "not a JSON array of strings");
        }
    }

    private static void env(ContainerConfig c, String arg, String instruction) {
        Map<String, String> set;
        int sp = indexOfSpace(arg);
        int eq = arg.indexOf('=');
        if (eq < 0 || (sp >= 0 && sp < eq)) { // legacy form: ENV NAME value with spaces
            if (sp < 0) throw bad(instruction, "ENV NAME=VALUE or ENV NAME VALUE");
            set = new LinkedHashMap<>();
            set.put(arg.substring(0, sp), arg.substring(sp).strip());
        } else {
            set = pairs(arg, instruction, true);
        }
        List<String> env = c.env == null ? new ArrayList<>() : new ArrayList<>(c.env);
        for (Map.Entry<String, String> e : set.entrySet()) {
            String prefix = e.getKey() + "=";
            env.removeIf(x -> x.startsWith(prefix) || x.equals(e.getKey()));
            env.add(prefix + e.getValue());
        }
        c.env = env;
    }

    private static String workdir(String current, String arg) {
        if (arg.startsWith("/")) return arg;
        String base = current == null || current.isEmpty() ? "/" : current;
        return base.endsWith("/") ? base + arg : base + "/" + arg;
    }

    private static String port(String p, String instruction) {
        String[] parts = p.split("/", -1);
        if (parts.length > 2 || !parts[0].matches("[0-9]+(-[0-9]+)?")
                || (parts.length == 2 && !parts[1].matches("tcp|udp|sctp"))) {
            throw bad(instruction, "'" + p + "' is not PORT[/tcp|udp|sctp]");
        }
        return parts.length == 2 ? p : p + "/tcp";
    }

    /** {@code K=V K2="V 2"} pairs, in order. */
    private static Map<String, String> pairs(String arg, String instruction, boolean envNames) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String w : words(arg, instruction)) {
            int eq = w.indexOf('=');
            if (eq <= 0) throw bad(instruction, "'" + w + "' is not KEY=VALUE");
            String key = w.substring(0, eq);
            if (envNames && !key.matches("[A-Za-z_][A-Za-z0-9_.-]*")) throw bad(instruction, "'" + key + "' is not a variable name");
            out.put(key, w.substring(eq + 1));
        }
        return out;
    }

    /** Splits on blanks outside quotes; quotes are removed, backslash escapes the next character. */
    static List<String> words(String s, String instruction) {
        List<String> out = new ArrayList<>();
        StringBuilder w = new StringBuilder();
        boolean inWord = false;
        char quote = 0;
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch == '\\' && i + 1 < s.length() && quote != '\'') {
                w.append(s.charAt(++i));
                inWord = true;
            } else if (quote != 0) {
                if (ch == quote) quote = 0;
                else w.append(ch);
            } else if (ch == '"' || ch == '\'') {
                quote = ch;
                inWord = true;
            } else if (Character.isWhitespace(ch)) {
                if (inWord) out.add(w.toString());
                w.setLength(0);
                inWord = false;
            } else {
                w.append(ch);
                inWord = true;
            }
        }
        if (quote != 0) throw bad(instruction, "unterminated quote");
        if (inWord) out.add(w.toString());
        return out;
    }

    private static int indexOfSpace(String s) {
        for (int i = 0; i < s.length(); i++) if (Character.isWhitespace(s.charAt(i))) return i;
        return -1;
    }

    private static UserError bad(String instruction, String why) {
        return new UserError("-c '" + instruction + "': " + why);
    }
}
