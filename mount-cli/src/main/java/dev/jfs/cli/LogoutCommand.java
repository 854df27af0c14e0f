package dev.jfs.cli;

import dev.jfs.UserError;
import dev.jfs.transfer.registry.AuthFile;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code jfs logout HOST[:PORT]}: forget what jfs login kept. */
@Command(name = "logout", mixinStandardHelpOptions = true,
        description = "Remove a registry's credentials from the file jfs login writes.")
final class LogoutCommand implements Callable<Integer> {
    @Parameters(paramLabel = "HOST[:PORT]", description = "the registry")
    String host;

    @Override
    public Integer call() {
        String h = Hosts.registryHost(host);
        AuthFile file = AuthFile.forLogin(System.getenv());
        if (!file.remove(h)) throw new UserError("logout: not logged in to " + h + " (in " + file.path() + ")");
        System.out.println("Removed login credentials for " + h);
        return 0;
    }
}
