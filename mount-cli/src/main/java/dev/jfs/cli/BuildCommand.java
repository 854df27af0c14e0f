package dev.jfs.cli;

import dev.jfs.UserError;
import dev.jfs.build.BuildFailed;
import dev.jfs.build.Builder;
import dev.jfs.build.ContainerStepRunner;
import dev.jfs.store.Image;
import dev.jfs.store.Store;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jfs build}: an image from a Dockerfile and a context directory (SPEC 11). */
@Command(name = "build", mixinStandardHelpOptions = true,
        description = "Build an image from a Dockerfile: one layer per RUN, COPY and ADD, a history entry for the"
                + " rest, steps reused from the build cache. Prints one line per step and the image id last.")
final class BuildCommand implements Callable<Integer> {
    @Option(names = {"-f", "--file"}, paramLabel = "FILE", description = "the Dockerfile (default: CONTEXT/Dockerfile)")
    String file;

    @Option(names = {"-t", "--tag"}, paramLabel = "NAME[:TAG]", description = "tag the image (repeatable)")
    List<String> tags = new ArrayList<>();

    @Option(names = "--build-arg", paramLabel = "K=V", description = "a value for an ARG (K alone: from the environment)")
    List<String> buildArgs = new ArrayList<>();

    @Option(names = "--target", paramLabel = "STAGE", description = "build this stage (default: the last)")
    String target;

    @Option(names = "--no-cache", description = "run every step, reusing nothing")
    boolean noCache;

    @Option(names = "--timestamp", paramLabel = "SECONDS",
            description = "dates in the history and config, and the newest time of a file a step writes"
                    + " (default: $SOURCE_DATE_EPOCH): the same inputs give the same image id")
    Long timestamp;

    @Parameters(index = "0", paramLabel = "CONTEXT", description = "the build context directory")
    String context;

    @Override
    public Integer call() throws IOException {
        Path ctx = Path.of(context);
        if (!Files.isDirectory(ctx)) throw new UserError("build context " + context + ": not a directory");
        Path dockerfile = file != null ? Path.of(file) : ctx.resolve("Dockerfile");
        if (!Files.isRegularFile(dockerfile)) {
            throw new UserError((file != null ? file : dockerfile.toString()) + ": no such Dockerfile");
        }
        Map<String, String> args = new LinkedHashMap<>();
        for (String a : buildArgs) {
            int eq = a.indexOf('=');
            if (eq == 0) throw new UserError("--build-arg " + a + ": use K=V");
            if (eq < 0) {
                String v = System.getenv(a);
                if (v != null) args.put(a, v);
            } else {
                args.put(a.substring(0, eq), a.substring(eq + 1));
            }
        }
        Long ts = timestamp;
        String epoch = System.getenv("SOURCE_DATE_EPOCH");
        if (ts == null && epoch != null && !epoch.isBlank()) {
            try {
                ts = Long.parseLong(epoch.strip());
            } catch (NumberFormatException e) {
                throw new UserError("SOURCE_DATE_EPOCH=" + epoch + ": not a number of seconds");
            }
        }
        if (ts != null && ts < 0) throw new UserError("--timestamp " + ts + ": before 1970");
        Store store = Store.open();
        PrintStream out = System.out;
        Builder builder = new Builder(store, new ContainerStepRunner(store), out, out, System.err);
        String name = file != null ? file : "Dockerfile";
        try {
            Image image = builder.build(new Builder.Options(ctx, dockerfile, name, tags, args, target, noCache, ts));
            out.println(image.id());
            return 0;
        } catch (BuildFailed e) {
            out.flush();
            System.err.println("jfs build: " + e.getMessage());
            return e.status();
        }
    }
}
