package dev.jfs.cli;

import dev.jfs.UserError;
import dev.jfs.transfer.registry.AuthFile;
import dev.jfs.transfer.registry.Credentials;
import dev.jfs.transfer.registry.RegistryOptions;
import dev.jfs.transfer.registry.RegistrySession;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jfs login [--tls-verify=false] [-u USER] [--password-stdin] HOST[:PORT]}, as podman login. */
@Command(name = "login", mixinStandardHelpOptions = true,
        description = "Check credentials against a registry and keep them in ${XDG_RUNTIME_DIR}/containers/auth.json"
                + " (or $REGISTRY_AUTH_FILE), where podman, skopeo and buildah read them too.")
final class LoginCommand implements Callable<Integer> {
    @Mixin
    TlsVerifyArg tls;

    @Option(names = {"-u", "--username"}, paramLabel = "USER", description = "the user (asked on a terminal if left out)")
    String username;

    @Option(names = {"-p", "--password"}, paramLabel = "PASS", description = "the password (prefer --password-stdin)")
    String password;

    @Option(names = "--password-stdin", description = "read the password from standard input")
    boolean passwordStdin;

    @Parameters(paramLabel = "HOST[:PORT]", description = "the registry")
    String host;

    @Override
    public Integer call() {
        String h = Hosts.registryHost(host);
        Console console = System.console();
        if (username == null) {
            if (console == null) throw new UserError("login " + h + ": -u USER is needed when not on a terminal");
            username = console.readLine("Username: ");
        }
        if (passwordStdin) {
            password = readStdinLine();
        } else if (password == null) {
            if (console == null) throw new UserError("login " + h + ": --password-stdin or -p PASS is needed when not on a terminal");
            char[] p = console.readPassword("Password: ");
            password = p == null ? "" : new String(p);
        }
        if (username == null || username.isEmpty()) throw new UserError("login " + h + ": the user name is empty");
        Credentials creds = new Credentials(username, password);
        RegistrySession session = new RegistrySession(h, RegistryOptions.of(tls.tlsVerify, creds), null);
        session.checkCredentials("login");
        AuthFile file = AuthFile.forLogin(System.getenv());
        file.store(h, creds);
        System.out.println("Login Succeeded!");
        return 0;
    }

    private static String readStdinLine() {
        try {
            String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            return line == null ? "" : line;
        } catch (IOException e) {
            throw new UserError("login: cannot read the password from standard input (" + e.getMessage() + ")");
        }
    }
}
