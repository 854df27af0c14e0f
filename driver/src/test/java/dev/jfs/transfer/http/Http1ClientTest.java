package dev.jfs.transfer.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The HTTP/1.1 client against a server that answers each request with the next scripted bytes:
 * body framing, kept connections, and a kept connection the server closed meanwhile.
 */
class Http1ClientTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    /** A scripted answer: its raw bytes, and whether the server then closes the connection. */
    private record Answer(String raw, boolean close) {}

    private ServerSocket server;
    private final BlockingQueue<Answer> answers = new ArrayBlockingQueue<>(16);
    private final List<String> requests = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger connections = new AtomicInteger();
    private final Http1Client client = new Http1Client(() -> {
        throw new AssertionError("no TLS in these tests");
    }, true, TIMEOUT);

    @BeforeEach
    void start() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::serve, "fake-http");
        t.setDaemon(true);
        t.start();
    }

    @AfterEach
    void stop() throws IOException {
        client.close();
        server.close();
    }

    private void serve() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                connections.incrementAndGet();
                Thread t = new Thread(() -> connection(s), "fake-http-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void connection(Socket s) {
        try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
            while (true) {
                String head = readHead(in);
                if (head == null) return;
                int length = 0;
                for (String line : head.split("\r\n")) {
                    if (line.toLowerCase().startsWith("content-length:")) length = Integer.parseInt(line.substring(15).trim());
                }
                String body = new String(in.readNBytes(length), StandardCharsets.ISO_8859_1);
                requests.add(head + body);
                Answer a = answers.poll(10, TimeUnit.SECONDS);
                if (a == null) return;
                out.write(a.raw().getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                if (a.close()) return;
            }
        } catch (IOException | InterruptedException e) {
            // the client went away
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            b.write(c);
            String s = b.toString(StandardCharsets.ISO_8859_1);
            if (s.endsWith("\r\n\r\n")) return s;
        }
        return null;
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.getLocalPort() + path);
    }

    private void answer(String raw) {
        answers.add(new Answer(raw, false));
    }

    private String get(String path) throws IOException {
        return new String(client.send("GET", uri(path), Map.of(), null, TIMEOUT).readAll(), StandardCharsets.UTF_8);
    }

    @Test
    void keepsTheConnectionForTheNextRequest() throws IOException {
        answer("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello");
        answer("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nworld");
        assertEquals("hello", get("/a"));
        assertEquals("world", get("/b"));
        assertEquals(1, connections.get());
        assertEquals(2, requests.size());
        assertEquals("GET /b HTTP/1.1", requests.get(1).split("\r\n")[0]);
    }

    @Test
    void readsChunkedBodiesAndSkipsInterimAnswers() throws IOException {
        answer("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5;ext=1\r\nhello\r\n7\r\n, world\r\n0\r\nTrailer: x\r\n\r\n");
        answer("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        assertEquals("hello, world", get("/chunked"));
        assertEquals("ok", get("/next"));
        assertEquals(1, connections.get());
    }

    @Test
    void aHeadAnswerHasNoBodyWhateverItsLength() throws IOException {
        answer("HTTP/1.1 200 OK\r\nContent-Length: 123456\r\nDocker-Content-Digest: sha256:abc\r\n\r\n");
        answer("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        HttpReply head = client.send("HEAD", uri("/blob"), Map.of(), null, TIMEOUT);
        assertEquals(200, head.statusCode());
        assertEquals("sha256:abc", head.headers().firstValue("docker-content-digest").orElseThrow());
        assertEquals(123456, head.headers().firstValueAsLong("Content-Length").getAsLong());
        assertArrayEquals(new byte[0], head.readAll());
        assertEquals("ok", get("/next"));
        assertEquals(1, connections.get());
    }

    @Test
    void sendsBodiesWithTheirLengthAndAnEmptyOneForAPutWithout() throws IOException {
        answer("HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n");
        answer("HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n");
        byte[] body = "some blob".getBytes(StandardCharsets.UTF_8);
        assertEquals(202, client.send("PATCH", uri("/up?x=1"), Map.of("Content-Type", "application/octet-stream"),
                RequestBody.of(body), TIMEOUT).statusCode());
        assertEquals(201, client.send("PUT", uri("/up"), Map.of(), null, TIMEOUT).statusCode());
        String patch = requests.get(0);
        assertEquals("PATCH /up?x=1 HTTP/1.1", patch.split("\r\n")[0]);
        assertEquals(true, patch.contains("\r\nContent-Length: 9\r\n"));
        assertEquals(true, patch.contains("\r\nHost: 127.0.0.1:" + server.getLocalPort() + "\r\n"));
        assertEquals(true, patch.endsWith("\r\n\r\nsome blob"));
        assertEquals(true, requests.get(1).contains("\r\nContent-Length: 0\r\n"));
    }

    @Test
    void aKeptConnectionTheServerClosedIsReplacedOnce() throws IOException {
        answers.add(new Answer("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfirst", true));
        assertEquals("first", get("/a"));
        answer("HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nsecond");
        assertEquals("second", get("/b"));
        assertEquals(2, connections.get());
    }

    @Test
    void aBodyWithoutLengthEndsWithTheConnection() throws IOException {
        answers.add(new Answer("HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS server.\n", true));
        HttpReply r = client.send("GET", uri("/v2/"), Map.of(), null, TIMEOUT);
        assertEquals(400, r.statusCode());
        assertEquals("Client sent an HTTP request to an HTTPS server.\n", new String(r.readAll(), StandardCharsets.UTF_8));
    }

    @Test
    void aBodyCutShortIsAnError() {
        answers.add(new Answer("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort", true));
        assertThrows(IOException.class, () -> get("/cut"));
    }

    @Test
    void noAnswerWithinTheTimeoutIsATimeout() {
        Http1Client impatient = new Http1Client(() -> null, true, TIMEOUT);
        assertThrows(SocketTimeoutException.class,
                () -> impatient.send("GET", uri("/slow"), Map.of(), null, Duration.ofMillis(200)));
        impatient.close();
    }
}
