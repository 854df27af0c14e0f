package dev.jfs.transfer.http;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * One HTTP/1.1 connection: writes a request, reads the response's head, and hands out its body
 * framed by Content-Length or chunked encoding. Used by one request at a time.
 */
final class Http1Connection implements Closeable {
    private static final int MAX_HEAD = 64 << 10;
    private final String key;
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    /** Whether it served a request before (a pooled connection the server may have closed meanwhile). */
    boolean reused;

    Http1Connection(String key, Socket socket) throws IOException {
        this.key = key;
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream(), 64 << 10);
        this.out = new BufferedOutputStream(socket.getOutputStream(), 64 << 10);
    }

    /** scheme://host:port, what the pool keeps it under. */
    String key() {
        return key;
    }

    /** Sends the request line, the headers and the body (with a Content-Length, if there is a body or the method takes one). */
    void write(String method, URI uri, Map<String, String> headers, RequestBody body) throws IOException {
        StringBuilder head = new StringBuilder(256);
        String target = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        if (uri.getRawQuery() != null) target += "?" + uri.getRawQuery();
        head.append(method).append(' ').append(target).append(" HTTP/1.1\r\n");
        field(head, "Host", uri.getRawAuthority());
        field(head, "User-Agent", "jfs");
        headers.forEach((n, v) -> field(head, n, v));
        boolean sendsBody = body != null || !(method.equals("GET") || method.equals("HEAD"));
        if (sendsBody) field(head, "Content-Length", Long.toString(body == null ? 0 : body.length()));
        head.append("\r\n");
        out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        if (body != null && body.length() > 0) {
            try (InputStream b = body.open()) {
                long sent = b.transferTo(out);
                if (sent != body.length()) throw new IOException("the request body had " + sent + " bytes, not " + body.length());
            }
        }
        out.flush();
    }

    private static void field(StringBuilder head, String name, String value) {
        if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) throw new IllegalArgumentException("a line break in header " + name);
        head.append(name).append(": ").append(value).append("\r\n");
    }

    /** The status line and header fields of the next final response (interim 1xx ones are skipped). */
    Head readHead() throws IOException {
        while (true) {
            String status = line();
            if (status == null) throw new IOException("the server closed the connection without answering");
            String[] parts = status.split(" ", 3);
            if (parts.length < 2 || !parts[0].startsWith("HTTP/")) throw new IOException("not an HTTP response: " + status);
            int code;
            try {
                code = Integer.parseInt(parts[1]);
            } catch (NumberFormatException e) {
                throw new IOException("not an HTTP response: " + status);
            }
            HttpHeaders headers = new HttpHeaders();
            for (String l = line(); !l.isEmpty(); l = line()) {
                int colon = l.indexOf(':');
                if (colon > 0) headers.add(l.substring(0, colon).trim(), l.substring(colon + 1).trim());
            }
            if (code >= 100 && code < 200) continue;
            return new Head(code, parts[0].equals("HTTP/1.0"), headers);
        }
    }

    record Head(int status, boolean http10, HttpHeaders headers) {}

    /** A line without its CRLF, or null at the end of the stream before any byte of it. */
    private String line() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream(80);
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            if (b.size() == MAX_HEAD) throw new IOException("a response header line longer than " + MAX_HEAD + " bytes");
            b.write(c);
        }
        if (c < 0 && b.size() == 0) return null;
        if (c < 0) throw new IOException("the server closed the connection in the response's head");
        byte[] a = b.toByteArray();
        int n = a.length > 0 && a[a.length - 1] == '\r' ? a.length - 1 : a.length;
        return new String(a, 0, n, StandardCharsets.ISO_8859_1);
    }

    InputStream input() {
        return in;
    }

    /** A line of a chunked body (a chunk's size, a trailer), for the body stream. */
    String chunkLine() throws IOException {
        String l = line();
        if (l == null) throw new IOException("the server closed the connection in a chunked body");
        return l;
    }

    void setReadTimeout(int millis) throws IOException {
        socket.setSoTimeout(millis);
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing more to read or write on it
        }
    }
}
