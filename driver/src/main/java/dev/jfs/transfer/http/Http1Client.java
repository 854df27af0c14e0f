package dev.jfs.transfer.http;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * A small HTTP/1.1 client on blocking sockets, with keep-alive connections per server. It starts
 * no thread and touches no TLS class until an https URI is asked for. (java.net.http starts a
 * selector thread that sits in native code, which holds up the JVM's exit, and its start-up cost
 * more than the few requests of a registry command; see docs/registry.md.)
 */
public final class Http1Client {
    private final Supplier<SSLSocketFactory> tls;
    private final boolean verifyHostnames;
    private final int connectTimeoutMillis;
    private final Map<String, ArrayDeque<Http1Connection>> idle = new HashMap<>();
    private SSLSocketFactory tlsFactory;

    /**
     * @param tls             the TLS sockets for https, asked for on the first https connection
     * @param verifyHostnames whether the server's certificate must name the host (off with {@code --tls-verify=false})
     */
    public Http1Client(Supplier<SSLSocketFactory> tls, boolean verifyHostnames, Duration connectTimeout) {
        this.tls = tls;
        this.verifyHostnames = verifyHostnames;
        this.connectTimeoutMillis = (int) connectTimeout.toMillis();
    }

    /**
     * Sends a request and reads the response's head; the body is the reply's stream.
     *
     * @param body    null for none
     * @param timeout the longest wait for each read of the response, or null for no limit
     */
    public HttpReply send(String method, URI uri, Map<String, String> headers, RequestBody body, Duration timeout)
            throws IOException {
        Http1Connection c = take(uri);
        try {
            return exchange(c, method, uri, headers, body, timeout);
        } catch (IOException e) {
            c.close();
            // A connection kept from an earlier request may have been closed by the server meanwhile: once more on a new one.
            if (!c.reused || e instanceof java.net.SocketTimeoutException) throw e;
        }
        Http1Connection fresh = open(uri);
        try {
            return exchange(fresh, method, uri, headers, body, timeout);
        } catch (IOException | RuntimeException e) {
            fresh.close();
            throw e;
        }
    }

    private HttpReply exchange(Http1Connection c, String method, URI uri, Map<String, String> headers, RequestBody body,
                               Duration timeout) throws IOException {
        c.setReadTimeout(timeout == null ? 0 : (int) timeout.toMillis());
        c.write(method, uri, headers, body);
        Http1Connection.Head head = c.readHead();
        HttpHeaders h = head.headers();
        boolean keep = !head.http10() && !h.hasToken("Connection", "close");
        ResponseBody b;
        int s = head.status();
        if (method.equals("HEAD") || s == 204 || s == 304) {
            b = ResponseBody.fixed(c, 0, keep ? this::release : null);
        } else if (h.hasToken("Transfer-Encoding", "chunked")) {
            b = ResponseBody.chunked(c, keep ? this::release : null);
        } else if (h.firstValueAsLong("Content-Length").isPresent()) {
            b = ResponseBody.fixed(c, h.firstValueAsLong("Content-Length").getAsLong(), keep ? this::release : null);
        } else {
            b = ResponseBody.untilClose(c);
        }
        return new HttpReply(s, h, uri, b);
    }

    /** A kept connection to the URI's server, or a new one. */
    private Http1Connection take(URI uri) throws IOException {
        String key = key(uri);
        synchronized (idle) {
            ArrayDeque<Http1Connection> q = idle.get(key);
            Http1Connection c = q == null ? null : q.pollLast();
            if (c != null) {
                c.reused = true;
                return c;
            }
        }
        return open(uri);
    }

    private void release(Http1Connection c) {
        synchronized (idle) {
            idle.computeIfAbsent(c.key(), k -> new ArrayDeque<>()).addLast(c);
        }
    }

    private Http1Connection open(URI uri) throws IOException {
        boolean https = uri.getScheme().equalsIgnoreCase("https");
        String host = hostOf(uri);
        int port = uri.getPort() >= 0 ? uri.getPort() : https ? 443 : 80;
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            s.connect(new InetSocketAddress(host, port), connectTimeoutMillis);
            if (https) s = handshake(s, host, port);
            return new Http1Connection(key(uri), s);
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    private Socket handshake(Socket plain, String host, int port) throws IOException {
        SSLSocket s = (SSLSocket) tlsFactory().createSocket(plain, host, port, true);
        if (verifyHostnames) {
            SSLParameters p = s.getSSLParameters();
            p.setEndpointIdentificationAlgorithm("HTTPS");
            s.setSSLParameters(p);
        }
        s.setSoTimeout(connectTimeoutMillis);
        s.startHandshake();
        return s;
    }

    private synchronized SSLSocketFactory tlsFactory() {
        if (tlsFactory == null) tlsFactory = tls.get();
        return tlsFactory;
    }

    private static String hostOf(URI uri) {
        String h = uri.getHost();
        if (h == null) throw new IllegalArgumentException("no host in " + uri);
        return h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h;
    }

    private static String key(URI uri) {
        return uri.getScheme().toLowerCase(java.util.Locale.ROOT) + "://" + uri.getRawAuthority();
    }

    /** Closes the kept connections. */
    public void close() {
        synchronized (idle) {
            idle.values().forEach(q -> q.forEach(Http1Connection::close));
            idle.clear();
        }
    }
}
