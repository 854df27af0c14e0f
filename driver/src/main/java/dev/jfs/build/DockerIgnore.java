package dev.jfs.build;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * {@code .dockerignore} with Docker's rules: one pattern a line, {@code #} comments, patterns
 * cleaned like Go's filepath.Clean with a leading {@code /} dropped, {@code *} {@code ?}
 * {@code [..]} within a name, {@code **} across directories, a pattern that matches a parent
 * directory excludes what is in it, {@code !} re-includes, and the last matching pattern wins.
 */
public final class DockerIgnore {
    private record Rule(String pattern, Pattern regex, boolean exception) {}

    private final List<Rule> rules;

    private DockerIgnore(List<Rule> rules) {
        this.rules = rules;
    }

    public static final DockerIgnore NONE = new DockerIgnore(List.of());

    /** The context's {@code .dockerignore}, or {@link #NONE} when there is none. */
    public static DockerIgnore read(Path context) throws IOException {
        try {
            return parse(Files.readString(context.resolve(".dockerignore"), StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            return NONE;
        }
    }

    public static DockerIgnore parse(String text) {
        List<Rule> rules = new ArrayList<>();
        for (String raw : text.split("\r?\n")) {
            if (raw.startsWith("#")) continue;
            String p = raw.strip();
            if (p.isEmpty()) continue;
            boolean exception = p.startsWith("!");
            if (exception) p = p.substring(1).strip();
            if (p.isEmpty()) continue;
            p = clean(p);
            if (p.length() > 1 && p.startsWith("/")) p = p.substring(1);
            rules.add(new Rule(p, Pattern.compile(toRegex(p)), exception));
        }
        return new DockerIgnore(List.copyOf(rules));
    }

    /**
     * Whether a context path ({@code a/b/c}, relative, {@code /}-separated) is left out: the
     * last rule that matches it or one of its parent directories decides.
     */
    public boolean excludes(String path) {
        boolean excluded = false;
        List<String> parents = parents(path);
        for (Rule r : rules) {
            boolean match = r.regex.matcher(path).matches();
            if (!match) {
                for (String parent : parents) {
                    if (r.regex.matcher(parent).matches()) {
                        match = true;
                        break;
                    }
                }
            }
            if (match) excluded = !r.exception;
        }
        return excluded;
    }

    /**
     * Whether an excluded directory may still hold included files (an exception could match
     * below it), so a walk must go in; a plain excluded directory is skipped whole.
     */
    public boolean mayIncludeBelow(String dir) {
        for (Rule r : rules) {
            if (!r.exception) continue;
            if (r.pattern.contains("*") || r.pattern.contains("?") || r.pattern.contains("[")) return true;
            if (r.pattern.startsWith(dir + "/")) return true;
        }
        return false;
    }

    public boolean isEmpty() {
        return rules.isEmpty();
    }

    private static List<String> parents(String path) {
        List<String> out = new ArrayList<>();
        int i = path.indexOf('/');
        while (i > 0) {
            out.add(path.substring(0, i));
            i = path.indexOf('/', i + 1);
        }
        return out;
    }

    /** Go's filepath.Clean for slash paths: no empty, {@code .} or resolvable {@code ..} names. */
    static String clean(String path) {
        boolean rooted = path.startsWith("/");
        List<String> out = new ArrayList<>();
        for (String part : path.split("/")) {
            if (part.isEmpty() || part.equals(".")) continue;
            if (part.equals("..")) {
                if (!out.isEmpty() && !out.get(out.size() - 1).equals("..")) out.remove(out.size() - 1);
                else if (!rooted) out.add("..");
                continue;
            }
            out.add(part);
        }
        String joined = String.join("/", out);
        if (rooted) return "/" + joined;
        return joined.isEmpty() ? "." : joined;
    }

    /** A Docker ignore pattern as a regular expression over the whole path. */
    static String toRegex(String pattern) {
        StringBuilder re = new StringBuilder("^");
        int n = pattern.length();
        for (int i = 0; i < n; i++) {
            char c = pattern.charAt(i);
            if (c == '*') {
                if (i + 1 < n && pattern.charAt(i + 1) == '*') {
                    i++;
                    while (i + 1 < n && pattern.charAt(i + 1) == '*') i++;
                    if (i + 1 >= n) {
                        re.append(".*");
                    } else if (pattern.charAt(i + 1) == '/') {
                        i++;
                        re.append("(.*/)?");
                    } else {
                        re.append(".*");
                    }
                } else {
                    re.append("[^/]*");
                }
            } else if (c == '?') {
                re.append("[^/]");
            } else if (c == '[') {
                int end = pattern.indexOf(']', i + 2);
                if (end < 0) {
                    re.append("\\[");
                    continue;
                }
                String set = pattern.substring(i + 1, end);
                if (set.startsWith("!")) set = "^" + set.substring(1);
                re.append('[').append(set.replace("\\", "\\\\").replace("[", "\\[")).append(']');
                i = end;
            } else if (c == '\\' && i + 1 < n) {
                re.append(Pattern.quote(String.valueOf(pattern.charAt(++i))));
            } else {
                re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return re.append('$').toString();
    }
}
