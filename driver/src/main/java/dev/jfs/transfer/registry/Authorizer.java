package dev.jfs.transfer.registry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jfs.UserError;
import dev.jfs.image.OciJson;
import dev.jfs.transfer.http.HttpReply;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The Authorization header for one registry, learnt from its challenges: HTTP Basic with the
 * user's credentials, or a Bearer token fetched from the challenge's realm (with the credentials
 * as Basic, if there are any; anonymously otherwise), for every scope asked for so far.
 */
final class Authorizer {
    private final String host;
    private final Supplier<Credentials> credentialsSource;
    private final Set<String> scopes = new LinkedHashSet<>();
    private Credentials credentials;
    private boolean credentialsLooked;
    private volatile String header;

    Authorizer(String host, Supplier<Credentials> credentialsSource) {
        this.host = host;
        this.credentialsSource = credentialsSource;
    }

    /** The header to send, or null before any challenge. */
    String header() {
        return header;
    }

    /** A scope ({@code repository:NAME:pull,push}) the next token must cover, so that a push needs one token. */
    synchronized void want(String scope) {
        scopes.add(scope);
    }

    /** The credentials in use (from --creds or an auth file), or null. */
    synchronized Credentials credentials() {
        if (!credentialsLooked) {
            credentials = credentialsSource.get();
            credentialsLooked = true;
        }
        return credentials;
    }

    /**
     * Answers a challenge: a new header, so the request may be tried again. {@code failedWith} is
     * the header the challenged request carried: if another thread has answered meanwhile, its
     * answer is used as it is.
     */
    synchronized void answer(AuthChallenge challenge, String failedWith, RegistrySession session, String subject) {
        if (header != null && !header.equals(failedWith)) return;
        if (challenge.isBasic()) {
            Credentials c = credentials();
            if (c == null) throw needsCredentials(subject);
            if (("Basic " + c.basic()).equals(failedWith)) throw refused(subject, c);
            header = "Basic " + c.basic();
        } else if (challenge.isBearer()) {
            String scope = challenge.param("scope");
            if (scope != null) scopes.addAll(java.util.Arrays.asList(scope.split(" ")));
            header = "Bearer " + fetchToken(challenge, session, subject);
        } else {
            throw new UserError(subject + ": " + who(subject) + " asks for authentication jfs does not speak ("
                    + challenge.scheme() + ")");
        }
    }

    private String fetchToken(AuthChallenge challenge, RegistrySession session, String subject) {
        String realm = challenge.param("realm");
        if (realm == null || realm.isEmpty()) throw new UserError(subject + ": " + who(subject) + " sent a token challenge without a realm");
        StringBuilder query = new StringBuilder();
        String service = challenge.param("service");
        if (service != null) query.append("service=").append(enc(service));
        for (String s : scopes) query.append(query.length() > 0 ? "&" : "").append("scope=").append(enc(s));
        URI uri = URI.create(realm + (query.length() == 0 ? "" : (realm.contains("?") ? "&" : "?") + query));
        Credentials c = credentials();
        RegistryCall call = RegistryCall.of("GET", uri.toString());
        HttpReply r = session.sendOnce(call, c == null ? null : "Basic " + c.basic());
        if (r.statusCode() == 401 || r.statusCode() == 403) {
            throw c == null ? needsCredentials(subject) : refused(subject, c);
        }
        if (r.statusCode() != 200) {
            throw new UserError(subject + ": the token server " + uri.getHost() + " answered " + r.statusCode());
        }
        try {
            JsonNode n = OciJson.mapper().readTree(r.bytes());
            String token = n.path("token").asText("");
            if (token.isEmpty()) token = n.path("access_token").asText("");
            if (token.isEmpty()) throw new UserError(subject + ": the token server " + uri.getHost() + " sent no token");
            return token;
        } catch (IOException e) {
            throw new UserError(subject + ": the token server " + uri.getHost() + " sent no JSON (" + e.getMessage() + ")");
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    UserError needsCredentials(String subject) {
        return new UserError(subject + ": " + who(subject) + " requires credentials (jfs login " + host + ", or --creds USER:PASS)");
    }

    UserError refused(String subject, Credentials c) {
        return new UserError(subject + ": " + who(subject) + " refused the credentials of user " + c.username());
    }

    /** The registry as a message names it: "the registry" when the subject (a reference) already names the host. */
    private String who(String subject) {
        return subject.startsWith(host + "/") || subject.equals(host) ? "the registry" : host;
    }
}
