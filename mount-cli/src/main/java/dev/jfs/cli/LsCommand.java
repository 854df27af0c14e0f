package dev.jfs.cli;

import dev.jfs.UserError;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "ls", description = "(not built yet)")
final class LsCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw new UserError("ls: not built yet");
    }
}
