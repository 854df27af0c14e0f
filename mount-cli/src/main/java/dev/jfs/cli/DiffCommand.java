package dev.jfs.cli;

import dev.jfs.UserError;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "diff", description = "(not built yet)")
final class DiffCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw new UserError("diff: not built yet");
    }
}
