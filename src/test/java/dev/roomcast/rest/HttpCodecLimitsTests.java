package dev.roomcast.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.roomcast.testing.ServicesResource;
import dev.roomcast.testing.Tokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * PROTOCOL.md section 6's limits on the HTTP request itself, which bound what one connection makes a pod buffer before
 * any handler runs: the request line (414) and the headers (431), refused by the HTTP codec, which then closes the
 * connection; and the body (413). Just under a limit, the request reaches its handler.
 */
@QuarkusTest
@WithTestResource(ServicesResource.class)
class HttpCodecLimitsTests {

    private static final int MAX_LINE = 4096;
    private static final int MAX_HEADERS = 20 * 1024;

    @TestHTTPResource("/")
    URI base;

    @Test
    void aRequestLineOverTheLimitIs414AndTheConnectionCloses() throws IOException {
        String path = "/api/rooms/chat:nowhere/messages?before=" + "9".repeat(MAX_LINE);
        Answer answer = exchange("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
        assertEquals(414, answer.status(), answer.text());
        assertTrue(answer.closed(), "the connection closes after a 414: " + answer.text());
    }

    @Test
    void headersOverTheLimitAre431AndTheConnectionCloses() throws IOException {
        String header = "X-Padding: " + "p".repeat(MAX_HEADERS) + "\r\n";
        Answer answer = exchange("GET /api/notifications HTTP/1.1\r\nHost: localhost\r\n" + header + "\r\n");
        assertEquals(431, answer.status(), answer.text());
        assertTrue(answer.closed(), "the connection closes after a 431: " + answer.text());
    }

    @Test
    void justUnderTheLimitsTheRequestReachesItsHandler() throws IOException {
        String path = "/api/notifications?padding=" + "1".repeat(MAX_LINE - 200);
        String padding = "X-Padding: " + "p".repeat(MAX_HEADERS - 2048) + "\r\n";
        Answer answer = exchange("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                + Tokens.user("long-lines") + "\r\n" + padding + "Connection: close\r\n\r\n");
        assertEquals(200, answer.status(), answer.text());
        assertTrue(answer.text().contains("\"items\""), answer.text());
    }

    @Test
    void aBodyOverTheLimitIs413() throws Exception {
        String data =
                "{\"target\":{\"type\":\"broadcast\"},\"event\":\"big\",\"data\":\"" + "d".repeat(1024 * 1024) + "\"}";
        HttpClient http =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(base.resolve("/api/emit"))
                        .header("Authorization", "Bearer " + Tokens.admin("big-emitter"))
                        .header("Content-Type", "application/json")
                        .timeout(Duration.ofSeconds(30))
                        .POST(HttpRequest.BodyPublishers.ofString(data))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(413, response.statusCode(), response.body());
    }

    /** Sends the request and reads until the server closes the connection or stays quiet for two seconds. */
    private Answer exchange(String request) throws IOException {
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(2000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            boolean closed;
            try {
                int read;
                while ((read = in.read(buffer)) != -1) {
                    received.write(buffer, 0, read);
                }
                closed = true;
            } catch (java.net.SocketTimeoutException quiet) {
                closed = false;
            }
            String text = received.toString(StandardCharsets.ISO_8859_1);
            int status = text.length() >= 12 ? Integer.parseInt(text.substring(9, 12)) : -1;
            return new Answer(status, text, closed);
        }
    }

    private record Answer(int status, String text, boolean closed) {}
}
