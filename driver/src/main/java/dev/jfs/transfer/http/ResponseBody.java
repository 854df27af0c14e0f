package dev.jfs.transfer.http;

import java.io.IOException;
import java.io.InputStream;
import java.util.function.Consumer;

/**
 * A response's body on its connection: so many bytes (Content-Length), chunks, or all until the
 * server closes. At its end the connection is handed to {@code done} (null: closed); closed
 * before its end, the connection is closed, since the rest of the body is still on it.
 */
abstract class ResponseBody extends InputStream {
    final Http1Connection connection;
    private final Consumer<Http1Connection> done;
    private boolean finished;
    private boolean closed;

    private ResponseBody(Http1Connection connection, Consumer<Http1Connection> done) {
        this.connection = connection;
        this.done = done;
    }

    static ResponseBody fixed(Http1Connection c, long length, Consumer<Http1Connection> done) {
        return new Fixed(c, length, done);
    }

    static ResponseBody chunked(Http1Connection c, Consumer<Http1Connection> done) {
        return new Chunked(c, done);
    }

    /** A body that ends where the connection does (no length, not chunked). */
    static ResponseBody untilClose(Http1Connection c) {
        return new Fixed(c, Long.MAX_VALUE, null);
    }

    /** At most {@code len} bytes of what is left; -1 at the end of the body. */
    abstract int readSome(byte[] b, int off, int len) throws IOException;

    @Override
    public final int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public final int read(byte[] b, int off, int len) throws IOException {
        if (closed) throw new IOException("the response body is closed");
        if (finished) return -1;
        if (len == 0) return 0;
        int n = readSome(b, off, len);
        if (n < 0) finish();
        return n;
    }

    /** The end of the body: the connection may serve the next request. */
    final void finish() {
        if (finished) return;
        finished = true;
        if (done != null) done.accept(connection);
        else connection.close();
    }

    @Override
    public final void close() {
        if (closed) return;
        closed = true;
        if (!finished) {
            finished = true;
            connection.close();
        }
    }

    private static final class Fixed extends ResponseBody {
        private long left;

        Fixed(Http1Connection c, long length, Consumer<Http1Connection> done) {
            super(c, done);
            this.left = length;
            if (length == 0) finish();
        }

        @Override
        int readSome(byte[] b, int off, int len) throws IOException {
            if (left == 0) return -1;
            int n = connection.input().read(b, off, (int) Math.min(len, left));
            if (n < 0) {
                if (left != Long.MAX_VALUE) throw new IOException("the server closed the connection " + left + " bytes before the body's end");
                return -1;
            }
            if (left != Long.MAX_VALUE) left -= n;
            if (left == 0) finish();
            return n;
        }

        @Override
        public int available() throws IOException {
            return (int) Math.min(left, connection.input().available());
        }
    }

    private static final class Chunked extends ResponseBody {
        private long left; // of the current chunk
        private boolean last;

        Chunked(Http1Connection c, Consumer<Http1Connection> done) {
            super(c, done);
        }

        @Override
        int readSome(byte[] b, int off, int len) throws IOException {
            if (left == 0) {
                if (last) return -1;
                String size = connection.chunkLine();
                int semi = size.indexOf(';');
                try {
                    left = Long.parseLong((semi >= 0 ? size.substring(0, semi) : size).trim(), 16);
                } catch (NumberFormatException e) {
                    throw new IOException("a chunked body with a bad chunk size: " + size);
                }
                if (left < 0) throw new IOException("a chunked body with a bad chunk size: " + size);
                if (left == 0) {
                    last = true;
                    while (!connection.chunkLine().isEmpty()) {
                        // trailer fields, not used
                    }
                    return -1;
                }
            }
            int n = connection.input().read(b, off, (int) Math.min(len, left));
            if (n < 0) throw new IOException("the server closed the connection in a chunked body");
            left -= n;
            if (left == 0 && !connection.chunkLine().isEmpty()) throw new IOException("a chunk not followed by a line end");
            return n;
        }
    }
}
