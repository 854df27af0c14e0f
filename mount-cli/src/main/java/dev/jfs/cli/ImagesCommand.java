package dev.jfs.cli;

import dev.jfs.image.Digests;
import dev.jfs.image.OciJson;
import dev.jfs.store.Image;
import dev.jfs.store.Store;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code jfs images}: the images of the store, one line per tag (an untagged image: one line). */
@Command(name = "images", mixinStandardHelpOptions = true, description = "List the images of the store, newest first.")
final class ImagesCommand implements Callable<Integer> {
    @Option(names = "--digests", description = "show each image's manifest digest")
    boolean digests;

    @Option(names = "--no-trunc", description = "print full ids")
    boolean noTrunc;

    @Option(names = {"-q", "--quiet"}, description = "print ids only")
    boolean quiet;

    @Option(names = "--format", paramLabel = "table|json", defaultValue = "table", description = "table (default) or json")
    String format;

    @Override
    public Integer call() {
        List<Image> images = Store.open().images().list();
        if (format.equals("json")) {
            List<Map<String, Object>> out = new ArrayList<>();
            for (Image i : images) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("id", i.id());
                m.put("digest", i.digest());
                m.put("tags", i.tags());
                m.put("created", i.config().created);
                m.put("size", i.size());
                out.add(m);
            }
            System.out.println(new String(OciJson.write(out), java.nio.charset.StandardCharsets.UTF_8));
            return 0;
        }
        if (!format.equals("table")) throw new dev.jfs.UserError("--format " + format + ": use table or json");
        if (quiet) {
            images.stream().map(i -> noTrunc ? i.id() : i.shortId()).distinct().forEach(System.out::println);
            return 0;
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(digests ? new String[] {"REPOSITORY", "TAG", "DIGEST", "IMAGE ID", "CREATED", "SIZE"}
                : new String[] {"REPOSITORY", "TAG", "IMAGE ID", "CREATED", "SIZE"});
        for (Image i : images) {
            List<String> tags = i.tags().isEmpty() ? List.of("<none>:<none>") : i.tags();
            for (String t : tags) {
                int colon = t.lastIndexOf(':');
                String id = noTrunc ? i.id() : Digests.shortId(i.id());
                String created = i.config().created == null ? "-" : i.config().created;
                String size = LayerCommand.human(i.size());
                rows.add(digests ? new String[] {t.substring(0, colon), t.substring(colon + 1), i.digest(), id, created, size}
                        : new String[] {t.substring(0, colon), t.substring(colon + 1), id, created, size});
            }
        }
        Table.print(rows);
        return 0;
    }
}
