package dev.jfs.transfer.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;

/**
 * A response: status, headers, and its body as a stream. The connection goes back to the
 * client's pool when the body has been read to its end; closing the body early drops it.
 */
public final class HttpReply {
    private final int status;
    private final HttpHeaders headers;
    private final URI uri;
    private final InputStream body;
    private byte[] bytes;

    HttpReply(int status, HttpHeaders headers, URI uri, InputStream body) {
        this.status = status;
        this.headers = headers;
        this.uri = uri;
        this.body = body;
    }

    public int statusCode() {
        return status;
    }

    public HttpHeaders headers() {
        return headers;
    }

    /** The URI the request went to. */
    public URI uri() {
        return uri;
    }

    /** The body as a stream, for the caller to read and close. */
    public InputStream body() {
        return body;
    }

    /** The whole body, read once and then kept. */
    public byte[] readAll() throws IOException {
        if (bytes == null) {
            try (InputStream in = body) {
                bytes = in.readAllBytes();
            }
        }
        return bytes;
    }

    /** {@link #readAll}, for a body that has been read already or where a failure is not expected. */
    public byte[] bytes() {
        try {
            return readAll();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** At most {@code limit} bytes of the body (for an error message); the rest is not read. */
    public byte[] bytes(int limit) throws IOException {
        if (bytes != null) return bytes;
        try (InputStream in = body) {
            return in.readNBytes(limit);
        }
    }

    /** Reads and drops a body that will not be used, so that the connection can be used again; a long one is closed instead. */
    public void discard() {
        if (bytes != null) return;
        try (InputStream in = body) {
            in.readNBytes(64 << 10);
        } catch (IOException ignored) {
            // the connection is dropped instead of reused
        }
    }
}
