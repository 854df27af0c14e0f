package dev.jfs.build;

import java.util.ArrayList;
import java.util.List;

/**
 * The word processing Docker applies to Dockerfile arguments: quotes, the escape character and
 * {@code $VAR} / {@code ${VAR}} / {@code ${VAR:-d}} {@code ${VAR-d}} {@code ${VAR:+a}}
 * {@code ${VAR+a}} {@code ${VAR:?m}} {@code ${VAR?m}} substitution. It is not a shell: no
 * globbing, no commands, no arithmetic. Errors are {@link IllegalArgumentException}s whose message
 * the instruction parser prefixes with the file and line.
 */
public final class ShellLexer {
    /** A variable's value, or null when it is not set; lookups are how a cache key learns what a step used. */
    public interface Variables {
        String get(String name);
    }

    private final char escape;

    public ShellLexer(char escape) {
        this.escape = escape;
    }

    /** One word: quotes removed, variables substituted, whitespace kept. */
    public String word(String text, Variables vars) {
        Scan scan = new Scan(text, vars, false);
        scan.run();
        return scan.words.joined();
    }

    /** Whitespace-separated words, as FROM's and EXPOSE's arguments are; quoted whitespace stays. */
    public List<String> words(String text, Variables vars) {
        Scan scan = new Scan(text, vars, true);
        scan.run();
        return scan.words.finish();
    }

    /** Collects characters into words; unquoted whitespace ends a word only when splitting. */
    private static final class Words {
        final boolean split;
        final List<String> done = new ArrayList<>();
        final StringBuilder current = new StringBuilder();
        boolean inWord;

        Words(boolean split) {
            this.split = split;
        }

        void add(String s, boolean quoted) {
            for (int i = 0; i < s.length(); i++) add(s.charAt(i), quoted);
        }

        void add(char c, boolean quoted) {
            if (split && !quoted && Character.isWhitespace(c)) {
                if (inWord) {
                    done.add(current.toString());
                    current.setLength(0);
                    inWord = false;
                }
                return;
            }
            current.append(c);
            inWord = true;
        }

        void markWord() {
            inWord = true;
        }

        String joined() {
            return current.toString();
        }

        List<String> finish() {
            if (inWord) done.add(current.toString());
            return done;
        }
    }

    private final class Scan {
        static final int EOF = -1;
        final String text;
        final Variables vars;
        final Words words;
        int pos;

        Scan(String text, Variables vars, boolean split) {
            this.text = text;
            this.vars = vars;
            this.words = new Words(split);
        }

        int peek() {
            return pos < text.length() ? text.charAt(pos) : EOF;
        }

        int next() {
            return pos < text.length() ? text.charAt(pos++) : EOF;
        }

        void run() {
            while (peek() != EOF) {
                char c = (char) next();
                if (c == '\'') {
                    words.markWord();
                    words.add(singleQuoted(), true);
                } else if (c == '"') {
                    words.markWord();
                    words.add(doubleQuoted(), true);
                } else if (c == '$') {
                    words.add(dollar(), false);
                } else if (c == escape) {
                    int n = next();
                    if (n == EOF) words.add(c, true);
                    else words.add((char) n, true);
                } else {
                    words.add(c, false);
                }
            }
        }

        /** The text of a nested word such as the default in {@code ${X:-word}}, up to the closing brace. */
        String untilBrace() {
            StringBuilder out = new StringBuilder();
            while (true) {
                int c = next();
                if (c == EOF) throw new IllegalArgumentException("missing '}' in variable substitution: " + text);
                if (c == '}') return out.toString();
                if (c == '\'') out.append(singleQuoted());
                else if (c == '"') out.append(doubleQuoted());
                else if (c == '$') out.append(dollar());
                else if (c == escape) {
                    int n = next();
                    if (n == EOF) throw new IllegalArgumentException("missing '}' in variable substitution: " + text);
                    out.append((char) n);
                } else out.append((char) c);
            }
        }

        String singleQuoted() {
            StringBuilder out = new StringBuilder();
            while (true) {
                int c = next();
                if (c == EOF) throw new IllegalArgumentException("unexpected end of statement while looking for matching single-quote: " + text);
                if (c == '\'') return out.toString();
                out.append((char) c);
            }
        }

        String doubleQuoted() {
            StringBuilder out = new StringBuilder();
            while (true) {
                int c = next();
                if (c == EOF) throw new IllegalArgumentException("unexpected end of statement while looking for matching double-quote: " + text);
                if (c == '"') return out.toString();
                if (c == '$') {
                    out.append(dollar());
                } else if (c == escape) {
                    int n = peek();
                    if (n == '"' || n == '$' || n == escape) out.append((char) next());
                    else out.append((char) c);
                } else {
                    out.append((char) c);
                }
            }
        }

        /** After a '$': the substituted value, or a literal '$' when no name follows. */
        String dollar() {
            if (peek() != '{') {
                String name = name();
                if (name.isEmpty()) return "$";
                return orEmpty(vars.get(name));
            }
            next();
            String name = name();
            if (name.isEmpty()) throw new IllegalArgumentException("bad substitution: " + text);
            int c = next();
            if (c == '}') return orEmpty(vars.get(name));
            boolean colon = c == ':';
            if (colon) c = next();
            if (c != '-' && c != '+' && c != '?') {
                String what = c == EOF ? "end of line" : "'" + (char) c + "'";
                throw new IllegalArgumentException("unsupported modifier " + what + " in ${" + name + "...}: " + text);
            }
            String word = untilBrace();
            String value = vars.get(name);
            boolean present = colon ? value != null && !value.isEmpty() : value != null;
            switch (c) {
                case '-':
                    return present ? value : word;
                case '+':
                    return present ? word : "";
                default:
                    if (present) return value;
                    String why = word.isEmpty() ? (colon ? "is not allowed to be unset or empty" : "is not allowed to be unset") : word;
                    throw new IllegalArgumentException(name + ": " + why);
            }
        }

        String name() {
            int start = pos;
            if (peek() != EOF && Character.isDigit(peek())) {
                next();
                return text.substring(start, pos);
            }
            while (peek() != EOF && isNameChar((char) peek())) next();
            return text.substring(start, pos);
        }
    }

    private static boolean isNameChar(char c) {
        return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }
}
