package dev.jfs.cli;

import dev.jfs.UserError;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "mount", description = "(not built yet)")
final class MountCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw new UserError("mount: not built yet");
    }
}
