package dev.jfs.cli;

import dev.jfs.store.Store;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code jfs rm NAME...}: removes containers (refused while mounted or in use). */
@Command(name = "rm", mixinStandardHelpOptions = true,
        description = "Remove containers and their changes; refused while one is mounted.")
final class RmCommand implements Callable<Integer> {
    @Parameters(paramLabel = "NAME", arity = "1..*")
    List<String> names;

    @Override
    public Integer call() {
        Store store = Store.open();
        for (String n : names) {
            store.removeContainer(n);
            System.out.println(n);
        }
        return 0;
    }
}
