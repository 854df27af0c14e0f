package dev.jfs.cli;

import dev.jfs.UserError;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "commit", description = "(not built yet)")
final class CommitCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw new UserError("commit: not built yet");
    }
}
