package dev.jfs.build;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits a Dockerfile into instructions the way Docker's parser does: parser directives at the
 * top ({@code # syntax=}, {@code # escape=}), comments, blank lines, continuation lines joined
 * without a newline (comment and blank lines inside a continuation skipped), leading
 * {@code --flags}, and the bodies of the heredocs a RUN, COPY or ADD names.
 */
public final class DockerfileParser {
    private static final Pattern DIRECTIVE = Pattern.compile("^#\\s*([a-zA-Z][a-zA-Z0-9]*)\\s*=\\s*(.+?)\\s*$");
    private static final Pattern HEREDOC_OWNERS = Pattern.compile("run|copy|add");

    private DockerfileParser() {}

    /** The parsed file: its directives and its instructions in order. */
    public record Parsed(char escape, String syntax, List<SourceLine> lines) {}

    public static Parsed parse(String file, String text) {
        if (text.startsWith("\uFEFF")) text = text.substring(1);
        String[] lines = text.split("\r?\n", -1);
        char escape = '\\';
        String syntax = null;
        int i = 0;
        boolean escapeSeen = false;
        for (; i < lines.length; i++) {
            Matcher m = DIRECTIVE.matcher(lines[i].strip());
            if (!m.matches()) break;
            String name = m.group(1).toLowerCase(Locale.ROOT);
            String value = m.group(2);
            if (name.equals("escape")) {
                if (escapeSeen) throw new DockerfileException(file, i + 1, "only one escape parser directive can be used");
                if (!value.equals("\\") && !value.equals("`")) {
                    throw new DockerfileException(file, i + 1, "invalid escape token '" + value + "' does not match ` or \\");
                }
                escape = value.charAt(0);
                escapeSeen = true;
            } else if (name.equals("syntax")) {
                if (syntax != null) throw new DockerfileException(file, i + 1, "only one syntax parser directive can be used");
                syntax = value;
            } else if (!name.equals("check")) {
                break; // an unknown directive is a comment, and comments end the directives
            }
        }
        List<SourceLine> out = new ArrayList<>();
        Pattern continuation = Pattern.compile(Pattern.quote(String.valueOf(escape)) + "[ \\t]*$");
        while (i < lines.length) {
            String raw = lines[i];
            int start = ++i;
            if (isComment(raw) || raw.isBlank()) continue;
            StringBuilder joined = new StringBuilder();
            boolean more = appendLine(joined, raw.stripLeading(), continuation);
            while (more && i < lines.length) {
                String next = lines[i++];
                if (isComment(next) || next.isBlank()) continue;
                more = appendLine(joined, next, continuation);
            }
            if (joined.toString().isBlank()) continue;
            SourceLine node = node(file, start, i, joined.toString(), escape, false);
            if (HEREDOC_OWNERS.matcher(node.keyword()).matches() && !node.heredocs().isEmpty()) {
                List<Heredoc> bodies = new ArrayList<>();
                for (Heredoc h : node.heredocs()) {
                    StringBuilder body = new StringBuilder();
                    while (true) {
                        if (i >= lines.length) throw new DockerfileException(file, start, "unterminated heredoc " + h.name() + ": no line \"" + h.name() + "\" ends it");
                        String line = lines[i++];
                        String candidate = h.stripTabs() ? line.replaceFirst("^\\t+", "") : line;
                        if (candidate.equals(h.name())) break;
                        body.append(line).append('\n');
                    }
                    bodies.add(h.withBody(body.toString()));
                }
                node = new SourceLine(file, start, i, node.keyword(), node.flags(), node.rest(), node.original(), List.copyOf(bodies));
            }
            out.add(node);
        }
        return new Parsed(escape, syntax, out);
    }

    /** A nested instruction (ONBUILD's), parsed as a line of its own. */
    static SourceLine nested(SourceLine outer, String text, char escape) {
        return node(outer.file(), outer.line(), outer.endLine(), text, escape, true);
    }

    private static SourceLine node(String file, int start, int end, String text, char escape, boolean nested) {
        String trimmed = text.strip();
        String[] split = trimmed.split("[ \\t]+", 2);
        String keyword = split[0].toLowerCase(Locale.ROOT);
        String rest = split.length > 1 ? split[1] : "";
        List<String> flags = new ArrayList<>();
        while (rest.startsWith("--")) {
            String[] parts = rest.split("[ \\t]+", 2);
            if (parts[0].equals("--")) {
                rest = parts.length > 1 ? parts[1] : "";
                break;
            }
            flags.add(parts[0]);
            rest = parts.length > 1 ? parts[1] : "";
        }
        List<Heredoc> heredocs = nested || !HEREDOC_OWNERS.matcher(keyword).matches()
                ? List.of() : Heredoc.declaredIn(rest, escape);
        return new SourceLine(file, start, end, keyword, List.copyOf(flags), rest, trimmed, heredocs);
    }

    private static boolean appendLine(StringBuilder joined, String line, Pattern continuation) {
        Matcher m = continuation.matcher(line);
        if (m.find()) {
            joined.append(line, 0, m.start());
            return true;
        }
        joined.append(line);
        return false;
    }

    private static boolean isComment(String line) {
        return line.stripLeading().startsWith("#");
    }
}
