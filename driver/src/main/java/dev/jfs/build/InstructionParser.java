package dev.jfs.build;

import dev.jfs.build.Instruction.*;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Gives each {@link SourceLine} its meaning, with Docker's rules for each instruction's arguments. */
final class InstructionParser {
    private static final Pattern STAGE_NAME = Pattern.compile("^[a-z][a-z0-9_.-]*$");
    private static final Pattern DURATION_PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h)");

    private final char escape;

    InstructionParser(char escape) {
        this.escape = escape;
    }

    Instruction parse(SourceLine line) {
        String kw = line.keyword();
        switch (kw) {
            case "from": return from(line);
            case "run": return run(line);
            case "copy": return copy(line, false);
            case "add": return copy(line, true);
            case "workdir": return new Workdir(line, single(line, "WORKDIR"));
            case "env": return new Env(noFlags(line), pairs(line, "ENV", false));
            case "label": return new Label(noFlags(line), pairs(line, "LABEL", false));
            case "arg": return new Arg(noFlags(line), pairs(line, "ARG", true));
            case "user": return new User(line, single(line, "USER"));
            case "expose": return new Expose(noFlags(line), atLeastOne(line, "EXPOSE", Words.splitKeepingQuotes(line.rest(), escape)));
            case "volume": return new Volume(noFlags(line), atLeastOne(line, "VOLUME", jsonOrFields(line.rest())));
            case "stopsignal": return new StopSignal(line, single(line, "STOPSIGNAL"));
            case "shell": return shell(line);
            case "cmd": return new Cmd(noFlags(line), command(line, "CMD", true));
            case "entrypoint": return new Entrypoint(noFlags(line), command(line, "ENTRYPOINT", true));
            case "healthcheck": return healthcheck(line);
            case "onbuild": return onbuild(line);
            case "maintainer": return new Maintainer(noFlags(line), line.rest().strip());
            default:
                throw line.error("unknown instruction: " + line.original().split("[ \\t]+", 2)[0].toUpperCase(Locale.ROOT)
                        + " (expected FROM, RUN, COPY, ADD, WORKDIR, ENV, ARG, USER, LABEL, EXPOSE, VOLUME, "
                        + "STOPSIGNAL, SHELL, CMD, ENTRYPOINT, HEALTHCHECK, ONBUILD or MAINTAINER)");
        }
    }

    private From from(SourceLine line) {
        BuildFlags flags = BuildFlags.parse(line, Set.of("platform"), Set.of(), Set.of());
        List<String> words = Words.fields(line.rest());
        if (words.size() != 1 && !(words.size() == 3 && words.get(1).equalsIgnoreCase("as"))) {
            throw line.error("FROM requires either one argument (IMAGE) or three (IMAGE AS NAME), got \"" + line.rest().strip() + "\"");
        }
        String name = null;
        if (words.size() == 3) {
            name = words.get(2).toLowerCase(Locale.ROOT);
            if (!STAGE_NAME.matcher(name).matches()) {
                throw line.error("invalid name for build stage: \"" + words.get(2) + "\", name can't start with a number or contain symbols");
            }
        }
        return new From(line, words.get(0), name, flags.get("platform"));
    }

    private Run run(SourceLine line) {
        BuildFlags flags = BuildFlags.parse(line, Set.of("network", "security"), Set.of(), Set.of("mount"));
        List<String> targets = new ArrayList<>();
        for (String spec : flags.all("mount")) targets.add(cacheTarget(line, spec));
        String network = flags.get("network");
        if (network != null && !Set.of("default", "none", "host").contains(network)) {
            throw line.error("--network must be default, none or host, not \"" + network + "\"");
        }
        Command command;
        if (line.heredocs().size() == 1 && Words.splitKeepingQuotes(line.rest(), escape).size() == 1) {
            command = new Command(false, null, line.heredocs().get(0).body()); // RUN <<EOF: the body is the script
        } else if (!line.heredocs().isEmpty()) {
            StringBuilder script = new StringBuilder(line.rest().strip()).append('\n');
            for (Heredoc h : line.heredocs()) script.append(h.rawBody()).append(h.name()).append('\n');
            command = new Command(false, null, script.toString()); // the shell reads its own heredocs
        } else {
            command = command(line, "RUN", false);
        }
        return new Run(line, command, List.copyOf(targets), network);
    }

    /** {@code type=cache,target=/x[,id=…,sharing=…,…]}: only cache mounts are supported. */
    private static String cacheTarget(SourceLine line, String spec) {
        String type = "bind";
        String target = null;
        for (String field : spec.split(",")) {
            int eq = field.indexOf('=');
            String key = (eq < 0 ? field : field.substring(0, eq)).strip().toLowerCase(Locale.ROOT);
            String value = eq < 0 ? "" : field.substring(eq + 1).strip();
            switch (key) {
                case "type": type = value; break;
                case "target": case "dst": case "destination": target = value; break;
                case "id": case "sharing": case "mode": case "uid": case "gid": case "ro": case "readonly": case "readwrite": case "rw": break;
                default: throw line.error("--mount option \"" + key + "\" is not supported (only type=cache,target=DIR[,id=…,sharing=…])");
            }
        }
        if (!type.equals("cache")) throw line.error("--mount=type=" + type + " is not supported by jfs build (only type=cache)");
        if (target == null || target.isEmpty()) throw line.error("--mount=type=cache needs target=DIR");
        if (!target.startsWith("/")) target = "/" + target;
        return target;
    }

    private Copy copy(SourceLine line, boolean add) {
        BuildFlags flags = add
                ? BuildFlags.parse(line, Set.of("chown", "chmod", "checksum"), Set.of("link", "keep-git-dir"), Set.of())
                : BuildFlags.parse(line, Set.of("from", "chown", "chmod"), Set.of("link", "parents"), Set.of("exclude"));
        if (flags.isTrue("parents") || !flags.all("exclude").isEmpty()) {
            throw line.error("--parents and --exclude are not supported by jfs build");
        }
        String name = add ? "ADD" : "COPY";
        List<String> args = jsonOrFields(line.rest());
        if (args.size() < 2) {
            throw line.error(name + " requires at least two arguments (SOURCE... DEST), but " + args.size() + " given");
        }
        String chmod = flags.get("chmod");
        if (chmod != null && !chmod.matches("[0-7]{1,4}")) {
            throw line.error("--chmod takes an octal mode such as 755, not \"" + chmod + "\"");
        }
        List<String> sources = List.copyOf(args.subList(0, args.size() - 1));
        return new Copy(line, add, sources, args.get(args.size() - 1), flags.get("from"), flags.get("chown"), chmod,
                flags.isTrue("link"), line.heredocs());
    }

    private Shell shell(SourceLine line) {
        noFlags(line);
        List<String> json = Json.stringArray(line.rest());
        if (json == null) throw line.error("SHELL requires the arguments to be in JSON form, such as [\"/bin/sh\", \"-c\"]");
        if (json.isEmpty()) throw line.error("SHELL requires at least one argument");
        return new Shell(line, json);
    }

    private Command command(SourceLine line, String name, boolean emptyExecAllowed) {
        List<String> json = Json.stringArray(line.rest());
        if (json != null) {
            if (json.isEmpty() && !emptyExecAllowed) throw line.error(name + " requires at least one argument");
            return new Command(true, List.copyOf(json), null);
        }
        String text = line.rest().strip();
        if (text.isEmpty()) throw line.error(name + " requires at least one argument");
        return new Command(false, null, text);
    }

    private Healthcheck healthcheck(SourceLine line) {
        BuildFlags flags = BuildFlags.parse(line,
                Set.of("interval", "timeout", "start-period", "start-interval", "retries"), Set.of(), Set.of());
        String[] split = line.rest().strip().split("[ \\t]+", 2);
        String type = split[0].toUpperCase(Locale.ROOT);
        if (type.equals("NONE")) {
            if (split.length > 1 || !line.flags().isEmpty()) throw line.error("HEALTHCHECK NONE takes no other arguments");
            return new Healthcheck(line, List.of("NONE"), 0, 0, 0, 0, 0);
        }
        if (!type.equals("CMD")) throw line.error("unknown type \"" + split[0] + "\" in HEALTHCHECK (try CMD or NONE)");
        if (split.length < 2) throw line.error("HEALTHCHECK CMD requires a command");
        List<String> json = Json.stringArray(split[1]);
        List<String> test = new ArrayList<>();
        if (json != null) {
            test.add("CMD");
            test.addAll(json);
        } else {
            test.add("CMD-SHELL");
            test.add(split[1].strip());
        }
        int retries = 0;
        if (flags.get("retries") != null) {
            try {
                retries = Integer.parseInt(flags.get("retries"));
            } catch (NumberFormatException e) {
                retries = -1;
            }
            if (retries < 1) throw line.error("--retries must be a whole number of at least 1, not \"" + flags.get("retries") + "\"");
        }
        return new Healthcheck(line, List.copyOf(test), duration(line, flags, "interval"), duration(line, flags, "timeout"),
                duration(line, flags, "start-period"), duration(line, flags, "start-interval"), retries);
    }

    /** A Go duration such as {@code 30s}, {@code 1m30s} or {@code 500ms}, in nanoseconds. */
    static long duration(SourceLine line, BuildFlags flags, String name) {
        String text = flags.get(name);
        if (text == null) return 0;
        Matcher m = DURATION_PART.matcher(text);
        double nanos = 0;
        int end = 0;
        while (m.find() && m.start() == end) {
            double n = Double.parseDouble(m.group(1));
            switch (m.group(2)) {
                case "ns": nanos += n; break;
                case "us": case "µs": nanos += n * 1e3; break;
                case "ms": nanos += n * 1e6; break;
                case "s": nanos += n * 1e9; break;
                case "m": nanos += n * 60e9; break;
                default: nanos += n * 3600e9;
            }
            end = m.end();
        }
        if (end == 0 || end != text.length()) throw line.error("--" + name + " takes a duration such as 30s or 1m30s, not \"" + text + "\"");
        if (nanos < 1e6) throw line.error("--" + name + " cannot be less than 1ms");
        return (long) nanos;
    }

    private OnBuild onbuild(SourceLine line) {
        noFlags(line);
        String expr = line.rest().strip();
        if (expr.isEmpty()) throw line.error("ONBUILD requires at least one argument");
        SourceLine trigger = DockerfileParser.nested(line, expr, escape);
        switch (trigger.keyword()) {
            case "onbuild": throw line.error("chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed");
            case "from": case "maintainer":
                throw line.error(trigger.keyword().toUpperCase(Locale.ROOT) + " isn't allowed as an ONBUILD trigger");
            default:
                parse(trigger); // an ONBUILD trigger is checked now, as docker does
        }
        return new OnBuild(line, expr);
    }

    private String single(SourceLine line, String name) {
        noFlags(line);
        String text = line.rest().strip();
        if (text.isEmpty()) throw line.error(name + " requires exactly one argument");
        if (!name.equals("WORKDIR") && Words.splitKeepingQuotes(text, escape).size() != 1) {
            throw line.error(name + " requires exactly one argument, got \"" + text + "\"");
        }
        return text;
    }

    private static <T> List<T> atLeastOne(SourceLine line, String name, List<T> items) {
        if (items.isEmpty()) throw line.error(name + " requires at least one argument");
        return List.copyOf(items);
    }

    private static List<String> jsonOrFields(String rest) {
        List<String> json = Json.stringArray(rest);
        return json != null ? json : Words.fields(rest);
    }

    private static SourceLine noFlags(SourceLine line) {
        BuildFlags.parse(line, Set.of(), Set.of(), Set.of());
        return line;
    }

    /**
     * ENV, LABEL and ARG: {@code NAME=VALUE...} (values keep their quotes for the later
     * expansion), or for ENV and LABEL the legacy {@code NAME VALUE WITH SPACES}.
     */
    private List<KeyValue> pairs(SourceLine line, String name, boolean isArg) {
        String rest = line.rest().strip();
        List<String> words = Words.splitKeepingQuotes(rest, escape);
        if (words.isEmpty()) throw line.error(name + " requires at least one argument");
        List<KeyValue> out = new ArrayList<>();
        if (!isArg && !words.get(0).contains("=")) {
            String[] kv = rest.split("[ \\t]+", 2);
            if (kv.length < 2) throw line.error(name + " " + kv[0] + " needs a value: " + name + " NAME=VALUE or " + name + " NAME VALUE");
            out.add(new KeyValue(kv[0], kv[1].strip()));
            return out;
        }
        for (String word : words) {
            int eq = word.indexOf('=');
            if (eq < 0) {
                if (isArg) {
                    out.add(new KeyValue(word, null));
                    continue;
                }
                throw line.error("can't find = in \"" + word + "\"; " + name + " takes NAME=VALUE pairs");
            }
            if (eq == 0) throw line.error(name + " names can not be blank: \"" + word + "\"");
            out.add(new KeyValue(word.substring(0, eq), word.substring(eq + 1)));
        }
        return out;
    }
}
