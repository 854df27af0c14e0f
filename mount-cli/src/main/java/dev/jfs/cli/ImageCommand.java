package dev.jfs.cli;

import dev.jfs.image.OciJson;
import dev.jfs.store.Image;
import dev.jfs.store.LayerInfo;
import dev.jfs.store.Store;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code jfs image inspect IMAGE...}: an image as JSON. */
@Command(name = "image", mixinStandardHelpOptions = true, description = "Inspect images of the store.",
        subcommands = {ImageCommand.Inspect.class})
final class ImageCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is needed: inspect");
    }

    @Command(name = "inspect", mixinStandardHelpOptions = true,
            description = "Print images as a JSON array: id, digest, tags, config, manifest, layers.")
    static final class Inspect implements Callable<Integer> {
        @Parameters(paramLabel = "IMAGE", arity = "1..*", description = "NAME[:TAG], NAME@DIGEST or an id prefix")
        List<String> refs;

        @Override
        public Integer call() throws Exception {
            Store store = Store.open();
            List<Map<String, Object>> out = new ArrayList<>();
            for (String ref : refs) {
                Image i = store.images().resolve(ref);
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("id", i.id());
                m.put("digest", i.digest());
                m.put("tags", i.tags());
                m.put("created", i.created());
                m.put("size", i.size());
                m.put("config", i.config());
                m.put("manifest", i.manifest());
                m.put("layers", i.layers().stream().map(LayerInfo::id).toList());
                out.add(m);
            }
            Object tree = OciJson.mapper().readTree(OciJson.write(out));
            System.out.println(OciJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(tree));
            return 0;
        }
    }
}
