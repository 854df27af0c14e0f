package dev.jfs.transfer.registry;

import dev.jfs.transfer.http.RequestBody;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One HTTP request to a registry, kept as data so that it can be sent again after an
 * authentication challenge (its body can be read more than once).
 *
 * @param method   GET, HEAD, POST, PUT, PATCH
 * @param target   a path on the registry ({@code /v2/...}) or an absolute URI (an upload's Location)
 * @param headers  request headers besides Authorization
 * @param body     the body, or null for none
 * @param timeout  the longest wait for the response (each read of it), or null for none (large uploads)
 */
record RegistryCall(String method, String target, Map<String, String> headers, RequestBody body, Duration timeout) {
    static final Duration METADATA_TIMEOUT = Duration.ofSeconds(60);

    static RegistryCall of(String method, String target) {
        return new RegistryCall(method, target, new LinkedHashMap<>(), null, METADATA_TIMEOUT);
    }

    RegistryCall header(String name, String value) {
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.put(name, value);
        return new RegistryCall(method, target, h, body, timeout);
    }

    RegistryCall body(RequestBody b, Duration until) {
        return new RegistryCall(method, target, headers, b, until);
    }

    /** The absolute URI: {@code target} resolved against the registry's base (an upload Location may be relative). */
    URI uri(URI base) {
        return base.resolve(target);
    }

    /** The headers to send: these and, if not null, the Authorization. */
    Map<String, String> headersWith(String authorization) {
        if (authorization == null) return headers;
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.put("Authorization", authorization);
        return h;
    }
}
