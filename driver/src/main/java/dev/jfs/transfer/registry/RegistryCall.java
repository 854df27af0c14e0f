package dev.jfs.transfer.registry;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One HTTP request to a registry, kept as data so that it can be sent again after an
 * authentication challenge (its body publisher must be one that can be read twice: a byte
 * array, a file, or an input stream supplier).
 *
 * @param method   GET, HEAD, POST, PUT, PATCH
 * @param target   a path on the registry ({@code /v2/...}) or an absolute URI (an upload's Location)
 * @param headers  request headers besides Authorization
 * @param body     the body, or null for none
 * @param timeout  until the response's headers arrive, or null for none (large uploads)
 */
record RegistryCall(String method, String target, Map<String, String> headers, HttpRequest.BodyPublisher body,
                    Duration timeout) {
    static final Duration METADATA_TIMEOUT = Duration.ofSeconds(60);

    static RegistryCall of(String method, String target) {
        return new RegistryCall(method, target, new LinkedHashMap<>(), null, METADATA_TIMEOUT);
    }

    RegistryCall header(String name, String value) {
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.put(name, value);
        return new RegistryCall(method, target, h, body, timeout);
    }

    RegistryCall body(HttpRequest.BodyPublisher publisher, Duration until) {
        return new RegistryCall(method, target, headers, publisher, until);
    }

    /** The absolute URI: {@code target} resolved against the registry's base (an upload Location may be relative). */
    URI uri(URI base) {
        return base.resolve(target);
    }

    HttpRequest request(URI base, String authorization) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(base))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : body);
        if (timeout != null) b.timeout(timeout);
        headers.forEach(b::header);
        if (authorization != null) b.header("Authorization", authorization);
        return b.build();
    }
}
