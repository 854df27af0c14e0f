package dev.jfs.cli;

import dev.jfs.UserError;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "create", description = "(not built yet)")
final class CreateCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw new UserError("create: not built yet");
    }
}
