package dev.jfs.cli;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import dev.jfs.changes.ChangeWalker;
import dev.jfs.changes.DiffReport;
import dev.jfs.changes.StackViews;
import dev.jfs.store.Store;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code jfs diff}: what a container changed, as {@code docker diff} lists it (SPEC 4). */
@Command(name = "diff", mixinStandardHelpOptions = true,
        description = {"List what the upper changed against the lowers: one line per path, in path order,",
                "A (added), C (changed, or the parent of a change), D (deleted, or a directory deleted and made again).",
                "In a path, a byte that is not UTF-8 or a control character prints as \\xHH, a backslash as \\\\."})
final class DiffCommand implements Callable<Integer> {
    enum Format { text, json }

    @Mixin
    StackArgs stack;

    @Option(names = "--format", paramLabel = "text|json", defaultValue = "text",
            description = "text (default): 'A /path' lines; json: [{\"kind\": \"A\", \"path\": \"/path\"}, ...]")
    Format format;

    @Override
    public Integer call() throws IOException {
        StackViews views = StackViews.open(stack.resolve(stack.namesContainer() ? Store.open() : null));
        OutputStream stdout = new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16);
        try {
            if (format == Format.text) {
                ChangeWalker.walkPaths(views, new DiffReport(line -> write(stdout, line + "\n")));
            } else {
                // One object a line: readable, and still one JSON array.
                boolean[] first = {true};
                write(stdout, "[");
                ChangeWalker.walkPaths(views, new DiffReport(line -> {
                    write(stdout, (first[0] ? "\n" : ",\n") + "  {\"kind\": \"" + line.kind() + "\", \"path\": \""
                            + new String(JsonStringEncoder.getInstance().quoteAsString(line.printedPath())) + "\"}");
                    first[0] = false;
                }));
                write(stdout, first[0] ? "]\n" : "\n]\n");
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        stdout.flush();
        return 0;
    }

    private static void write(OutputStream out, String s) {
        try {
            out.write(s.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
