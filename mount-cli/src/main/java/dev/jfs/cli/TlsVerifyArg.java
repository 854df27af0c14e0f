package dev.jfs.cli;

import picocli.CommandLine.Option;

/** {@code --tls-verify[=BOOL]}, spelled as skopeo and podman do. */
final class TlsVerifyArg {
    @Option(names = "--tls-verify", arity = "0..1", fallbackValue = "true", defaultValue = "true", paramLabel = "BOOL",
            description = "require TLS with a trusted certificate (default true; false also allows plain http)."
                    + " Loopback registries (127.0.0.1, localhost) may always be plain http.")
    boolean tlsVerify = true;
}
