package dev.jfs.changes;

import dev.jfs.posix.EscapedNames;
import java.util.function.Consumer;

/**
 * Turns changes into {@code jfs diff} lines (SPEC 4), as {@code docker diff} prints them: A, C or
 * D with an absolute path, in tree order, and every parent directory of a listed path listed as C
 * before it (unless it is listed already). The root is never listed.
 */
public final class DiffReport implements Consumer<Change> {
    /**
     * One line of output: {@code kind} is 'A', 'C' or 'D'; {@code path} starts with '/', its names
     * as {@link dev.jfs.posix.Names} holds them (bytes that are not UTF-8 as lone surrogates).
     */
    public record Line(char kind, String path) {
        /** The path as printed: bytes that are not UTF-8 as {@code \xHH} ({@link EscapedNames}). */
        public String printedPath() {
            return EscapedNames.of(path);
        }

        @Override
        public String toString() {
            return kind + " " + printedPath();
        }
    }

    private final Consumer<Line> sink;
    private final AncestorChain listed = new AncestorChain();

    public DiffReport(Consumer<Line> sink) {
        this.sink = sink;
    }

    @Override
    public void accept(Change c) {
        char kind = c.kind().letter();
        if (kind == 0 || c.path().isEmpty()) return;
        for (String parent : listed.missingBefore(c.path())) sink.accept(new Line('C', "/" + parent));
        sink.accept(new Line(kind, "/" + c.path()));
        listed.written(c.path());
    }
}
