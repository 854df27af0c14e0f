package dev.jfs.transfer.http;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;

/** What a request sends: its length, and its bytes from the start, read again if the request is retried. */
public interface RequestBody {
    long length();

    InputStream open() throws IOException;

    static RequestBody of(byte[] bytes) {
        return new RequestBody() {
            @Override
            public long length() {
                return bytes.length;
            }

            @Override
            public InputStream open() {
                return new ByteArrayInputStream(bytes);
            }
        };
    }
}
