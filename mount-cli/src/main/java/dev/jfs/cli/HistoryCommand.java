package dev.jfs.cli;

import dev.jfs.image.History;
import dev.jfs.image.OciJson;
import dev.jfs.store.Image;
import dev.jfs.store.LayerInfo;
import dev.jfs.store.Store;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jfs history IMAGE}: the image's history, newest first, as docker history prints it. */
@Command(name = "history", mixinStandardHelpOptions = true,
        description = "Show an image's history, newest first: when, how (created_by), size and comment of each step.")
final class HistoryCommand implements Callable<Integer> {
    private static final int CREATED_BY_WIDTH = 45;

    @Parameters(paramLabel = "IMAGE", description = "NAME[:TAG], NAME@DIGEST or an id prefix")
    String ref;

    @Option(names = "--no-trunc", description = "do not shorten ids and commands")
    boolean noTrunc;

    @Option(names = "--format", paramLabel = "table|json", defaultValue = "table", description = "table (default) or json")
    String format;

    /** One line of the history: its entry and the layer it made (null for an empty layer). */
    private record Step(History entry, LayerInfo layer) {}

    @Override
    public Integer call() {
        if (!format.equals("table") && !format.equals("json")) throw new dev.jfs.UserError("--format " + format + ": use table or json");
        Image image = Store.open().images().resolve(ref);
        List<Step> steps = steps(image);
        if (format.equals("json")) {
            List<Map<String, Object>> out = new ArrayList<>();
            for (Step s : steps) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("created", s.entry.created);
                m.put("created_by", s.entry.createdBy);
                m.put("comment", s.entry.comment);
                m.put("empty_layer", s.entry.isEmptyLayer());
                m.put("size", s.layer == null ? 0 : s.layer.size());
                if (s.layer != null) m.put("layer", s.layer.id());
                out.add(m);
            }
            System.out.println(new String(OciJson.write(out), java.nio.charset.StandardCharsets.UTF_8));
            return 0;
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"IMAGE", "CREATED", "CREATED BY", "SIZE", "COMMENT"});
        for (int i = 0; i < steps.size(); i++) {
            Step s = steps.get(i);
            String id = i == 0 ? (noTrunc ? image.id() : image.shortId()) : "<missing>";
            String by = s.entry.createdBy == null ? "" : s.entry.createdBy.replace('\n', ' ');
            if (!noTrunc && by.length() > CREATED_BY_WIDTH) by = by.substring(0, CREATED_BY_WIDTH - 3) + "...";
            String comment = s.entry.comment == null ? "" : s.entry.comment.replace('\n', ' ');
            rows.add(new String[] {id, s.entry.created == null ? "-" : s.entry.created, by,
                    s.layer == null ? "0 B" : LayerCommand.human(s.layer.size()), comment});
        }
        Table.print(rows);
        return 0;
    }

    /** The entries, newest first, each with the layer it made. */
    private static List<Step> steps(Image image) {
        List<Step> out = new ArrayList<>();
        int layer = 0;
        for (History h : image.config().historyList()) {
            LayerInfo l = null;
            if (!h.isEmptyLayer() && layer < image.layers().size()) l = image.layers().get(layer++);
            out.add(0, new Step(h, l));
        }
        return out;
    }
}
