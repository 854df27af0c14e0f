package dev.jfs.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.jfs.UserError;
import dev.jfs.store.LayerInfo;
import dev.jfs.store.Store;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code jfs layer import|ls|inspect|rm}: the layers of the store (SPEC 5). */
@Command(name = "layer", mixinStandardHelpOptions = true,
        description = "Import, list, inspect and remove layers of the store ($JFS_ROOT).",
        subcommands = {LayerCommand.Import.class, LayerCommand.Ls.class, LayerCommand.Inspect.class,
                LayerCommand.Rm.class})
final class LayerCommand implements Callable<Integer> {
    /** This command as picocli runs it, so that the error names it as {@code jfs layer}. */
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is needed: import, ls, inspect or rm");
    }

    static String short12(String id) {
        String h = id.startsWith("sha256:") ? id.substring(7) : id;
        return h.length() > 12 ? h.substring(0, 12) : h;
    }

    @Command(name = "import", mixinStandardHelpOptions = true,
            description = "Import a layer tarball (tar, tar.gz or tar.zst, told by content) and print its id.")
    static final class Import implements Callable<Integer> {
        @Parameters(paramLabel = "FILE|-", description = "the layer, or - for standard input")
        String file;

        @Option(names = "--parent", paramLabel = "ID", description = "the layer it goes on top of (id or unique prefix)")
        String parent;

        @Override
        public Integer call() {
            Store store = Store.open();
            Store.Imported r;
            try (Progress progress = Progress.onTerminal("importing " + (file.equals("-") ? "standard input" : file),
                    file.equals("-") ? -1 : sizeOf(Path.of(file)))) {
                if (file.equals("-")) {
                    r = store.importLayer(System.in, "standard input", parent, progress);
                } else {
                    r = store.importLayer(Path.of(file), parent, progress);
                }
            }
            System.out.println(r.layer().id());
            return 0;
        }

        private static long sizeOf(Path p) {
            try {
                return Files.size(p);
            } catch (IOException e) {
                return -1; // the import reports the real problem
            }
        }
    }

    @Command(name = "ls", mixinStandardHelpOptions = true, description = "List the layers of the store.")
    static final class Ls implements Callable<Integer> {
        @Option(names = "--no-trunc", description = "print full ids")
        boolean noTrunc;

        @Option(names = {"-q", "--quiet"}, description = "print ids only")
        boolean quiet;

        @Override
        public Integer call() {
            List<LayerInfo> layers = Store.open().layers();
            PrintStream out = System.out;
            if (quiet) {
                layers.forEach(l -> out.println(noTrunc ? l.id() : short12(l.id())));
                return 0;
            }
            int w = noTrunc ? 71 : 12;
            out.printf("%-" + w + "s  %-" + w + "s  %10s  %s%n", "ID", "PARENT", "SIZE", "CREATED");
            for (LayerInfo l : layers) {
                String id = noTrunc ? l.id() : short12(l.id());
                String parent = l.parent() == null ? "-" : noTrunc ? l.parent() : short12(l.parent());
                out.printf("%-" + w + "s  %-" + w + "s  %10s  %s%n", id, parent, human(l.size()), l.created());
            }
            return 0;
        }
    }

    @Command(name = "inspect", mixinStandardHelpOptions = true, description = "Print a layer's metadata as JSON.")
    static final class Inspect implements Callable<Integer> {
        @Parameters(paramLabel = "ID", description = "layer id or unique prefix")
        String id;

        @Override
        public Integer call() throws IOException {
            Store store = Store.open();
            LayerInfo l = store.layer(id);
            Store.Users users = store.users(l);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", l.id());
            m.put("diffId", l.diffId());
            m.put("chainId", l.chainId());
            m.put("parent", l.parent());
            m.put("size", l.size());
            m.put("created", l.created());
            m.put("dir", store.layerDir(l).toString());
            if (l.comment() != null) m.put("comment", l.comment());
            m.put("containers", users.containers());
            m.put("children", users.childLayers());
            ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            System.out.println(json.writeValueAsString(m));
            return 0;
        }
    }

    @Command(name = "rm", mixinStandardHelpOptions = true,
            description = "Remove a layer; refused while a container or a child layer uses it.")
    static final class Rm implements Callable<Integer> {
        @Parameters(paramLabel = "ID", arity = "1..*", description = "layer ids or unique prefixes")
        List<String> ids;

        @Option(names = {"-f", "--force"}, description = "remove even if containers or child layers use it")
        boolean force;

        @Override
        public Integer call() {
            Store store = Store.open();
            for (String id : ids) System.out.println(store.removeLayer(id, force).id());
            return 0;
        }
    }

    static String human(long bytes) {
        if (bytes < 1024) return bytes + " B";
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format("%.1f %s", v, units[u]);
    }
}
