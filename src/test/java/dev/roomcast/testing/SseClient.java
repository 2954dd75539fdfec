package dev.roomcast.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The HTTP fallback of PROTOCOL.md section 11, as a bare client would speak it (the JDK's {@code java.net.http}, no SDK):
 * a {@code GET /sse} stream read line by line as {@code EventSource} reads it, and each frame sent as a
 * {@code POST /sse/{clientId}} that must answer 202 before the next one leaves. The stream's last {@code close} frame
 * is the close code; a stream that ends without one counts as a lost connection.
 */
public final class SseClient extends ProtocolClient {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final String token;
    private volatile URI postBase;
    private volatile InputStream stream;
    private final AtomicInteger comments = new AtomicInteger();
    private final AtomicLong lastByteNanos = new AtomicLong(System.nanoTime());
    private final AtomicLong longestSilenceNanos = new AtomicLong();
    private volatile JsonNode closeFrame;
    private volatile HttpResponse<InputStream> response;

    private SseClient(URI base, String token) {
        this.token = token;
        this.postBase = base;
    }

    /** Opens a stream with {@code Authorization: Bearer} and waits for {@code connected}. */
    public static SseClient withBearer(URI base, String token) {
        return connect(base, token, Map.of("Authorization", "Bearer " + token), "");
    }

    /** Opens a stream with {@code ?access_token=} (what {@code EventSource} can do) and waits for {@code connected}. */
    public static SseClient withQueryToken(URI base, String token) {
        return connect(base, token, Map.of(), "?access_token=" + URLEncoder.encode(token, StandardCharsets.UTF_8));
    }

    /**
     * Opens a stream whose session is encrypted with these keys (PROTOCOL.md section 10), its {@code publicKey} in the
     * query with the token, and waits for {@code connected}; later frames are sealed and opened by the client.
     */
    public static SseClient encrypted(URI base, String token, SealedFrames keys) {
        return connect(
                base,
                token,
                Map.of(),
                "?access_token=" + URLEncoder.encode(token, StandardCharsets.UTF_8) + "&publicKey="
                        + keys.publicKeyUrlSafe(),
                keys);
    }

    private static SseClient connect(URI base, String token, Map<String, String> headers, String query) {
        return connect(base, token, headers, query, null);
    }

    private static SseClient connect(
            URI base, String token, Map<String, String> headers, String query, SealedFrames keys) {
        SseClient client = new SseClient(base, token);
        if (keys != null) {
            client.sealWith(keys);
        }
        HttpResponse<InputStream> response = open(base, headers, query);
        if (response.statusCode() != 200) {
            throw new IllegalStateException("GET /sse answered " + response.statusCode() + ": " + body(response));
        }
        client.response = response;
        client.stream = response.body();
        Thread reader = new Thread(client::read, "sse-client");
        reader.setDaemon(true);
        reader.start();
        client.connected = client.awaitEvent("connected");
        return client;
    }

    /** A stream the server refused; fails when it was accepted. */
    public static Refusal refused(URI base, Map<String, String> headers, String query) {
        HttpResponse<InputStream> response = open(base, headers, query);
        if (response.statusCode() == 200) {
            // An accepted stream never ends: its body is not read.
            try {
                response.body().close();
            } catch (IOException ignored) {
                // failing anyway
            }
            throw new AssertionError("GET /sse" + query + " was accepted");
        }
        return new Refusal(response.statusCode(), response.headers(), body(response));
    }

    private static HttpResponse<InputStream> open(URI base, Map<String, String> headers, String query) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(base, "/sse" + query))
                .timeout(WAIT)
                .header("Accept", "text/event-stream")
                .GET();
        headers.forEach(request::header);
        try {
            return HTTP.sendAsync(request.build(), HttpResponse.BodyHandlers.ofInputStream())
                    .get(WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("GET /sse failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The stream's response (status and headers). */
    public HttpResponse<InputStream> response() {
        return response;
    }

    /** Later POSTs go to this pod (any pod may take them). */
    public SseClient postingTo(URI base) {
        this.postBase = base;
        return this;
    }

    @Override
    public SseClient send(String text) {
        return postBody(outgoing(text));
    }

    private SseClient postBody(String body) {
        HttpResponse<String> answer = post(postBase, clientId(), token, body);
        if (answer.statusCode() != 202) {
            throw new AssertionError("POST answered " + answer.statusCode() + ": " + answer.body());
        }
        return this;
    }

    /** Sends several frames in one POST (a JSON array). */
    @Override
    public SseClient sendAll(List<String> frames) {
        return postBody(
                "[" + String.join(",", frames.stream().map(this::outgoing).toList()) + "]");
    }

    @Override
    public void sendIfOpen(String text) {
        if (closed.isDone()) {
            return;
        }
        HttpResponse<String> answer = post(postBase, clientId(), token, outgoing(text));
        if (answer.statusCode() != 202 && !(answer.statusCode() == 404 && awaitEnded())) {
            throw new AssertionError("POST answered " + answer.statusCode() + ": " + answer.body());
        }
    }

    /** A POST as any client could make it: the answer, whatever it is. */
    public static HttpResponse<String> post(URI base, String clientId, String token, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(base, "/sse/" + clientId))
                .timeout(WAIT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException("POST failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The {@code close} frame the stream ended with, or null. */
    public JsonNode closeFrame() {
        awaitClose();
        return closeFrame;
    }

    /** Comment lines ({@code : hb}) received so far. */
    public int comments() {
        return comments.get();
    }

    /** The longest time the stream went without a line, since {@code connected}. */
    public long longestSilenceMillis() {
        return longestSilenceNanos.get() / 1_000_000;
    }

    @Override
    public void close() {
        try {
            InputStream current = stream;
            if (current != null) {
                current.close();
            }
        } catch (IOException ignored) {
            // closing is all that is asked
        }
    }

    private boolean awaitEnded() {
        try {
            closed.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            return true;
        } catch (Exception e) {
            return closed.isDone();
        }
    }

    /** Reads events as {@code EventSource} does: {@code data:} lines joined by newlines, dispatched at a blank line. */
    private void read() {
        StringBuilder data = new StringBuilder();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                long now = System.nanoTime();
                long silence = now - lastByteNanos.getAndSet(now);
                if (connected != null) {
                    longestSilenceNanos.accumulateAndGet(silence, Math::max);
                }
                if (line.isEmpty()) {
                    if (!data.isEmpty()) {
                        dispatch(data.toString());
                        data.setLength(0);
                    }
                } else if (line.startsWith(":")) {
                    comments.incrementAndGet();
                } else if (line.startsWith("data:")) {
                    if (!data.isEmpty()) {
                        data.append('\n');
                    }
                    data.append(line.startsWith("data: ") ? line.substring(6) : line.substring(5));
                }
            }
            if (!closed.isDone()) {
                closed.completeExceptionally(new IOException("the stream ended without a close frame"));
            }
        } catch (IOException e) {
            closed.completeExceptionally(e);
        }
    }

    private void dispatch(String text) {
        JsonNode frame;
        try {
            frame = arrived(JSON.readTree(text));
        } catch (IOException e) {
            incoming.add(JSON.createObjectNode().put("event", "<not json>").put("text", text));
            return;
        }
        if ("close".equals(frame.path("event").asText())) {
            closeFrame = frame;
            closed.complete(frame.path("data").path("code").asInt());
        } else {
            incoming.add(frame);
        }
    }

    private static URI uri(URI base, String path) {
        return URI.create(base.toString().replaceAll("/+$", "") + path);
    }

    private static String body(HttpResponse<InputStream> response) {
        try (InputStream in = response.body()) {
            return new String(in.readNBytes(4096), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "<unreadable: " + e + ">";
        }
    }

    /** A refused stream's status, headers and (short) body. */
    public record Refusal(int status, HttpHeaders headers, String body) {}
}
