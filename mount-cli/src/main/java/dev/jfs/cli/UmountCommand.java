package dev.jfs.cli;

import dev.jfs.UserError;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "umount", description = "(not built yet)")
final class UmountCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw new UserError("umount: not built yet");
    }
}
