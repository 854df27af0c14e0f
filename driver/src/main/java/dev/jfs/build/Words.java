package dev.jfs.build;

import java.util.ArrayList;
import java.util.List;

/** Splitting Dockerfile arguments at whitespace before any substitution, the way Docker's parser does. */
final class Words {
    private Words() {}

    /** Whitespace-separated words; quotes and escapes are kept in the word for the later expansion. */
    static List<String> splitKeepingQuotes(String text, char escape) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        char quote = 0;
        boolean escaped = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (escaped) {
                word.append(c);
                escaped = false;
                continue;
            }
            if (quote == 0 && Character.isWhitespace(c)) {
                if (word.length() > 0) {
                    words.add(word.toString());
                    word.setLength(0);
                }
                continue;
            }
            word.append(c);
            if (c == escape && quote != '\'') {
                escaped = true;
            } else if (quote == 0 && (c == '"' || c == '\'')) {
                quote = c;
            } else if (c == quote) {
                quote = 0;
            }
        }
        if (word.length() > 0) words.add(word.toString());
        return words;
    }

    /** Whitespace-separated words, nothing special about quotes (COPY's and ADD's shell form). */
    static List<String> fields(String text) {
        List<String> words = new ArrayList<>();
        for (String w : text.trim().split("\\s+")) if (!w.isEmpty()) words.add(w);
        return words;
    }
}
