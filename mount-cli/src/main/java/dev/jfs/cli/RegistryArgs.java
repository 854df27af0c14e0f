package dev.jfs.cli;

import dev.jfs.transfer.registry.Credentials;
import dev.jfs.transfer.registry.RegistryOptions;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The options pull and push share: {@code --tls-verify} and {@code --creds}, spelled as skopeo does. */
final class RegistryArgs {
    @Mixin
    TlsVerifyArg tls;

    @Option(names = "--creds", paramLabel = "USER:PASS",
            description = "credentials for the registry (default: those of jfs login, then ~/.docker/config.json)")
    String creds;

    RegistryOptions options() {
        return RegistryOptions.of(tls.tlsVerify, creds == null ? null : Credentials.parse(creds));
    }
}
