package dev.jfs.build;

import java.util.ArrayList;
import java.util.List;

/**
 * A here-document that follows a RUN, COPY or ADD line: {@code <<EOF}, {@code <<-EOF} (leading
 * tabs stripped) and {@code <<"EOF"} / {@code <<'EOF'} (no variable substitution in the body).
 *
 * @param rawBody the lines between the instruction and the terminator, each ending in a newline,
 *     exactly as written (a shell is given this and does its own tab stripping and expansion)
 */
public record Heredoc(String name, boolean stripTabs, boolean expand, String rawBody) {
    /** The body as a file's content: leading tabs of each line removed for {@code <<-}. */
    public String body() {
        if (!stripTabs) return rawBody;
        StringBuilder out = new StringBuilder();
        for (String line : rawBody.split("\n", -1)) {
            int i = 0;
            while (i < line.length() && line.charAt(i) == '\t') i++;
            out.append(line, i, line.length()).append('\n');
        }
        out.setLength(out.length() - 1);
        return out.toString();
    }

    /** The heredoc words of an instruction's arguments, in order, bodies not yet read. */
    static List<Heredoc> declaredIn(String rest, char escape) {
        List<Heredoc> found = new ArrayList<>();
        for (String word : Words.splitKeepingQuotes(rest, escape)) {
            int i = 0;
            while (i < word.length() && Character.isDigit(word.charAt(i))) i++;
            if (!word.startsWith("<<", i)) continue;
            String spec = word.substring(i + 2);
            boolean strip = spec.startsWith("-");
            if (strip) spec = spec.substring(1);
            if (spec.isEmpty() || spec.contains("<")) continue;
            boolean quoted = spec.length() >= 2
                    && (spec.charAt(0) == '"' || spec.charAt(0) == '\'')
                    && spec.charAt(spec.length() - 1) == spec.charAt(0);
            String name = quoted ? spec.substring(1, spec.length() - 1) : spec;
            if (name.isEmpty()) continue;
            found.add(new Heredoc(name, strip, !quoted, null));
        }
        return found;
    }

    Heredoc withBody(String body) {
        return new Heredoc(name, stripTabs, expand, body);
    }
}
