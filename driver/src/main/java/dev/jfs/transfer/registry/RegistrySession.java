package dev.jfs.transfer.registry;

import dev.jfs.UserError;
import dev.jfs.transfer.http.Http1Client;
import dev.jfs.transfer.http.HttpReply;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

/**
 * The connection to one registry: which scheme it speaks (found by the first request, the
 * {@code /v2/} ping), the HTTP client, and authentication. The client's connections are kept
 * for the next request; TLS is set up (and the JDK's CA store read) only for an https request.
 *
 * <p>Which schemes are tried, in order: on a loopback host, http then https (a local registry is
 * usually plain, and sending a plain request to a TLS port costs a 400, not a timeout); with
 * {@code --tls-verify=false}, https unverified then http; otherwise https alone.
 */
public final class RegistrySession {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);
    private static final int MAX_REDIRECTS = 5;
    private final String host;
    private final RegistryOptions options;
    private final Authorizer authorizer;
    private URI base;
    private final Http1Client http;

    public RegistrySession(String host, RegistryOptions options, String repositoryForCredentials) {
        this.host = host;
        this.options = options;
        this.authorizer = new Authorizer(host, () -> options.credentials() != null ? options.credentials()
                : AuthFile.lookup(AuthFile.forLookup(options.env()), host, repositoryForCredentials));
        this.http = new Http1Client(() -> (options.tlsVerify() ? TlsContexts.verified() : TlsContexts.unverified())
                .getSocketFactory(), options.tlsVerify(), CONNECT_TIMEOUT);
    }

    public String host() {
        return host;
    }

    Authorizer authorizer() {
        return authorizer;
    }

    /** Where a failure of a request is classified: what went wrong reaching the registry. */
    private enum Failure { REFUSED, TIMEOUT, NOT_REGISTRY, PLAIN_HTTP, TLS, CERTIFICATE }

    private record Attempt(Failure failure, String detail) {}

    /**
     * Pings {@code /v2/} (once): fixes the scheme and learns whether it asks for authentication.
     * Returns the ping's status (200, or 401 when credentials are needed).
     */
    public synchronized int connect(String subject) {
        if (base != null) return 200;
        List<String> schemes = new ArrayList<>();
        if (isLoopback()) {
            schemes.add("http");
            schemes.add("https");
        } else {
            schemes.add("https");
            if (!options.tlsVerify()) schemes.add("http");
        }
        List<Attempt> failed = new ArrayList<>();
        RegistryCall ping = RegistryCall.of("GET", "/v2/");
        for (String scheme : schemes) {
            URI candidate = URI.create(scheme + "://" + host + "/");
            try {
                HttpReply r = http.send("GET", ping.uri(candidate), ping.headers(), null, ping.timeout());
                r.readAll();
                if (r.statusCode() == 200 || r.statusCode() == 401) {
                    base = candidate;
                    return r.statusCode();
                }
                failed.add(new Attempt(Failure.NOT_REGISTRY, "GET " + scheme + "://" + host + "/v2/ answered " + r.statusCode()));
            } catch (IOException e) {
                failed.add(classify(e, ping.timeout()));
            }
        }
        throw connectError(subject, failed);
    }

    private boolean isLoopback() {
        String h = hostName();
        return h.equals("localhost") || h.startsWith("127.") || h.equals("::1");
    }

    private String hostName() {
        return host.startsWith("[") ? host.substring(1, host.indexOf(']'))
                : host.contains(":") ? host.substring(0, host.lastIndexOf(':')) : host;
    }

    /** @param readTimeout how long the request waited for an answer, for the message of a timeout */
    private Attempt classify(IOException e, Duration readTimeout) {
        Throwable root = e;
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof UnknownHostException || t instanceof UnresolvedAddressException) {
                return new Attempt(Failure.REFUSED, "cannot resolve " + hostName());
            }
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CertificateException || t instanceof java.security.cert.CertPathValidatorException
                    || (t instanceof SSLHandshakeException && String.valueOf(t.getMessage()).contains("PKIX"))) {
                return new Attempt(Failure.CERTIFICATE, rootMessage(t));
            }
            if (t instanceof SSLException) {
                String m = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
                if (m.contains("unrecognized ssl message") || m.contains("plaintext")) {
                    return new Attempt(Failure.PLAIN_HTTP, t.getMessage());
                }
                root = t;
            }
            if (t instanceof ConnectException) {
                return new Attempt(Failure.REFUSED, t.getMessage() == null ? "connection refused"
                        : t.getMessage().toLowerCase(Locale.ROOT));
            }
            if (t instanceof SocketTimeoutException) {
                // (the socket's message tells a connect that timed out from a read that did)
                boolean connecting = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT).contains("connect");
                Duration waited = connecting || readTimeout == null ? CONNECT_TIMEOUT : readTimeout;
                return new Attempt(Failure.TIMEOUT, "no answer within " + waited.toSeconds() + " s");
            }
        }
        if (root instanceof SSLException) return new Attempt(Failure.TLS, rootMessage(root));
        return new Attempt(Failure.REFUSED, rootMessage(e));
    }

    private static String rootMessage(Throwable t) {
        Throwable r = t;
        while (r.getCause() != null && r.getCause() != r) r = r.getCause();
        return r.getMessage() != null ? r.getMessage() : r.toString();
    }

    /** The most telling of the failures: a certificate problem says more than a refused plain port. */
    private UserError connectError(String subject, List<Attempt> failed) {
        Attempt worst = failed.get(0);
        for (Attempt a : failed) if (a.failure().ordinal() > worst.failure().ordinal()) worst = a;
        return switch (worst.failure()) {
            case REFUSED -> new UserError(subject + ": no such registry: " + host + " (" + worst.detail() + ")");
            case TIMEOUT -> new UserError(subject + ": no such registry: " + host + " (" + worst.detail() + ")");
            case PLAIN_HTTP -> new UserError(subject + ": " + who(subject) + " speaks plain http, not TLS"
                    + " (use --tls-verify=false to allow it)");
            case CERTIFICATE -> new UserError(subject + ": TLS certificate of " + host + " not trusted (" + worst.detail() + ")");
            case TLS -> new UserError(subject + ": TLS failure talking to " + host + " (" + worst.detail() + ")");
            case NOT_REGISTRY -> new UserError(subject + ": " + host + " is not a registry (" + worst.detail() + ")");
        };
    }

    /**
     * Checks that the registry accepts the credentials this session has ({@code jfs login}):
     * {@code GET /v2/}, answering its challenge with them.
     */
    public void checkCredentials(String subject) {
        HttpReply r = send(RegistryCall.of("GET", "/v2/"), subject);
        if (r.statusCode() != 200) throw RegistryErrors.of(subject, "GET /v2/", r);
    }

    /** Sends a call with the current authorization, answering one challenge; the body read whole. */
    HttpReply send(RegistryCall call, String subject) {
        return send(call, subject, true);
    }

    /** {@link #send(RegistryCall, String)}, the body left for the caller to stream (and close). */
    HttpReply sendStreaming(RegistryCall call, String subject) {
        return send(call, subject, false);
    }

    /**
     * Sends a call; a 401 with a challenge is answered and the call sent once more. Any other
     * status is the caller's to judge. Redirects of GET and HEAD are followed, without the
     * Authorization header when they leave the registry's host (storage back ends refuse it).
     */
    private HttpReply send(RegistryCall call, String subject, boolean whole) {
        connect(subject);
        String auth = authorizer.header();
        HttpReply r = exchange(call, auth, false, whole);
        if (r.statusCode() == 401) {
            Optional<String> challenge = r.headers().firstValue("WWW-Authenticate");
            if (challenge.isEmpty()) return r;
            r.discard();
            authorizer.answer(AuthChallenge.parse(challenge.get()), auth, this, subject);
            auth = authorizer.header();
            r = exchange(call, auth, false, whole);
            if (r.statusCode() == 401) {
                r.discard();
                Credentials c = authorizer.credentials();
                throw c == null ? authorizer.needsCredentials(subject) : authorizer.refused(subject, c);
            }
        }
        boolean follow = call.method().equals("GET") || call.method().equals("HEAD");
        for (int hops = 0; follow && isRedirect(r.statusCode()); hops++) {
            if (hops == MAX_REDIRECTS) throw new UserError(subject + ": " + who(subject) + " redirected more than " + MAX_REDIRECTS + " times");
            String location = r.headers().firstValue("Location").orElseThrow(
                    () -> new UserError(subject + ": " + who(subject) + " redirected without a Location"));
            URI next = r.uri().resolve(location);
            r.discard();
            call = new RegistryCall(call.method(), next.toString(), call.headers(), null, call.timeout());
            r = exchange(call, sameServer(next) ? auth : null, false, whole);
        }
        return r;
    }

    /** A request with the given authorization and no retry (the token fetch uses it too). */
    HttpReply sendOnce(RegistryCall call, String authorization) {
        return exchange(call, authorization, true, true);
    }

    /**
     * @param anyServer send the authorization to whatever server the call names (the token realm)
     * @param whole     read the body before returning (else it is the caller's to read)
     */
    private HttpReply exchange(RegistryCall call, String authorization, boolean anyServer, boolean whole) {
        URI uri = call.uri(base);
        try {
            String auth = anyServer || sameServer(uri) ? authorization : null;
            HttpReply r = http.send(call.method(), uri, call.headersWith(auth), call.body(), call.timeout());
            if (whole) r.readAll();
            return r;
        } catch (IOException e) {
            Attempt a = classify(e, call.timeout());
            String what = call.method() + " " + uri.getPath();
            throw switch (a.failure()) {
                case REFUSED, TIMEOUT -> new UserError(host + ": " + what + " failed (" + a.detail() + ")", e);
                default -> new UserError(host + ": " + what + ": TLS failure (" + a.detail() + ")", e);
            };
        }
    }

    private boolean sameServer(URI uri) {
        return base.getAuthority().equals(uri.getAuthority());
    }

    private static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    /** The registry as a message names it: "the registry" when the subject (a reference) already names the host. */
    private String who(String subject) {
        return subject.startsWith(host + "/") || subject.equals(host) ? "the registry" : host;
    }
}
