package dev.jfs.cli;

import dev.jfs.store.ContainerInfo;
import dev.jfs.store.Store;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code jfs ls}: the containers of the store. */
@Command(name = "ls", mixinStandardHelpOptions = true, description = "List the containers of the store.")
final class LsCommand implements Callable<Integer> {
    @Option(names = "--no-trunc", description = "print full layer ids")
    boolean noTrunc;

    @Option(names = {"-q", "--quiet"}, description = "print names only")
    boolean quiet;

    @Override
    public Integer call() {
        Store store = Store.open();
        List<ContainerInfo> cs = store.containers();
        if (quiet) {
            cs.forEach(c -> System.out.println(c.name()));
            return 0;
        }
        int w = cs.stream().mapToInt(c -> c.name().length()).max().orElse(0);
        w = Math.max(w, 4);
        String fmt = "%-" + w + "s  %-" + (noTrunc ? 71 : 12) + "s  %-24s  %s%n";
        System.out.printf(fmt, "NAME", "LAYER", "CREATED", "STATUS");
        for (ContainerInfo c : cs) {
            String layer = c.layer() == null ? "-" : noTrunc ? c.layer() : LayerCommand.short12(c.layer());
            String busy = store.busyReason(c.name());
            System.out.printf(fmt, c.name(), layer, c.created(), busy == null ? "-" : "in use");
        }
        return 0;
    }
}
