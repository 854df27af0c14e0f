package dev.jfs.cli;

import dev.jfs.UserError;
import dev.jfs.store.Store;
import dev.jfs.union.LayerStack;
import java.nio.file.Path;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code --lower L[:L...] --upper U [--work W]} or {@code CONTAINER}: the stack diff and commit read. */
final class StackArgs {
    @Option(names = "--lower", paramLabel = "DIR[:DIR...]", description = "read-only layers, top-most first")
    String lower;

    @Option(names = "--upper", paramLabel = "DIR", description = "the writable layer")
    Path upper;

    @Option(names = "--work", paramLabel = "DIR",
            description = "the mount's work dir, for its hard-link index (default: UPPER.work)")
    Path work;

    @Parameters(index = "0", paramLabel = "CONTAINER", arity = "0..1", description = "a container of the store")
    String container;

    /** The stack named; a container counts this process as its user until it exits. */
    LayerStack resolve(Store store) {
        if (container != null) {
            if (lower != null || upper != null || work != null) {
                throw new UserError("give either a CONTAINER or --lower/--upper, not both");
            }
            return store.containerStack(container);
        }
        if (lower == null) throw new UserError("a CONTAINER, or --lower and --upper, is needed");
        if (upper == null) throw new UserError("--upper is needed with --lower");
        return LayerStack.of(lower, upper, work);
    }

    boolean namesContainer() {
        return container != null;
    }
}
