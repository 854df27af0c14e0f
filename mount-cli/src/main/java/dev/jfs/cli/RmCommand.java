package dev.jfs.cli;

import dev.jfs.UserError;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "rm", description = "(not built yet)")
final class RmCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw new UserError("rm: not built yet");
    }
}
