package dev.jfs.cli;

import dev.jfs.UserError;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "layer", description = "(not built yet)")
final class LayerCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw new UserError("layer: not built yet");
    }
}
