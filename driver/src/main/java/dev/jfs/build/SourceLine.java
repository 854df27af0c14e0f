package dev.jfs.build;

import java.util.List;

/**
 * One instruction as written, before its arguments mean anything: the keyword (lower case), the
 * leading {@code --flags}, the rest of the line with continuations joined, any heredocs, and
 * where it stands in the file.
 */
public record SourceLine(
        String file, int line, int endLine, String keyword, List<String> flags, String rest, String original,
        List<Heredoc> heredocs) {

    /** An error about this instruction, as {@code FILE:LINE: message}. */
    public DockerfileException error(String message) {
        return new DockerfileException(file, line, message);
    }
}
