package dev.jfs.transfer.registry;

import java.util.Map;

/**
 * How to reach a registry.
 *
 * @param tlsVerify   false: plain http and unverified TLS are allowed ({@code --tls-verify=false})
 * @param credentials {@code --creds}, or null to look in the auth files
 * @param env         the environment the auth files are found by (XDG_RUNTIME_DIR, HOME, REGISTRY_AUTH_FILE)
 * @param chunkSize   blobs larger than this are uploaded in PATCH requests of this size
 */
public record RegistryOptions(boolean tlsVerify, Credentials credentials, Map<String, String> env, long chunkSize) {
    public static final long DEFAULT_CHUNK_SIZE = 64L << 20;

    public static RegistryOptions of(boolean tlsVerify, Credentials credentials) {
        return new RegistryOptions(tlsVerify, credentials, System.getenv(), DEFAULT_CHUNK_SIZE);
    }

    public RegistryOptions withChunkSize(long bytes) {
        return new RegistryOptions(tlsVerify, credentials, env, bytes);
    }
}
