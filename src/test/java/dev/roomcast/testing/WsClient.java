package dev.roomcast.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A real WebSocket client for tests (the JDK's {@code java.net.http}), usable in {@code @QuarkusTest}s and in
 * integration tests against packaged pods alike. Frames are JSON; waits are bounded, never fixed sleeps.
 */
public final class WsClient implements AutoCloseable {

    public static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final WebSocket socket;
    private final LinkedBlockingQueue<JsonNode> incoming;
    private final CompletableFuture<Integer> closed;
    private volatile long closedAtNanos;
    private final List<JsonNode> backlog = new ArrayList<>();
    private final AtomicInteger ids = new AtomicInteger();
    private JsonNode connected;

    private WsClient(WebSocket socket, LinkedBlockingQueue<JsonNode> incoming, CompletableFuture<Integer> closed) {
        this.socket = socket;
        this.incoming = incoming;
        this.closed = closed;
        closed.whenComplete((code, failure) -> closedAtNanos = System.nanoTime());
    }

    /** {@link System#nanoTime()} when the server's close arrived (0 while open). */
    public long closedAtNanos() {
        awaitClose();
        return closedAtNanos;
    }

    /** Opens an unauthenticated socket. {@code base} is the app's {@code http://host:port}. */
    public static WsClient open(URI base) {
        return open(base, null, Map.of());
    }

    /** Opens a socket authenticated at the handshake with {@code Authorization: Bearer} and waits for {@code connected}. */
    public static WsClient withBearer(URI base, String token) {
        WsClient client = open(base, null, Map.of("Authorization", "Bearer " + token));
        client.connected = client.awaitEvent("connected");
        return client;
    }

    /** Opens a socket authenticated with {@code ?access_token=} and waits for {@code connected}. */
    public static WsClient withQueryToken(URI base, String token) {
        WsClient client = open(base, "access_token=" + URLEncoder.encode(token, StandardCharsets.UTF_8), Map.of());
        client.connected = client.awaitEvent("connected");
        return client;
    }

    /** @return the HTTP status with which the server refused the upgrade; fails if it was accepted */
    public static int refusedStatus(URI base, String query, Map<String, String> headers) {
        try {
            WsClient client = open(base, query, headers);
            client.close();
            return fail("the upgrade was accepted");
        } catch (IllegalStateException e) {
            if (e.getCause() instanceof WebSocketHandshakeException handshake) {
                return handshake.getResponse().statusCode();
            }
            throw e;
        }
    }

    public static WsClient open(URI base, String query, Map<String, String> headers) {
        URI uri = URI.create(base.toString().replaceFirst("^http", "ws").replaceAll("/+$", "") + "/ws"
                + (query == null ? "" : "?" + query));
        LinkedBlockingQueue<JsonNode> incoming = new LinkedBlockingQueue<>();
        CompletableFuture<Integer> closed = new CompletableFuture<>();
        WebSocket.Builder builder = HTTP.newWebSocketBuilder().connectTimeout(WAIT);
        headers.forEach(builder::header);
        try {
            WebSocket socket =
                    builder.buildAsync(uri, new Listener(incoming, closed)).get(WAIT.toSeconds(), TimeUnit.SECONDS);
            return new WsClient(socket, incoming, closed);
        } catch (ExecutionException e) {
            throw new IllegalStateException("WebSocket upgrade failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException | TimeoutException e) {
            throw new IllegalStateException("WebSocket upgrade did not complete", e);
        }
    }

    /** Sends {@code authenticate} and waits for {@code connected}. */
    public JsonNode authenticate(String token) {
        send(frame("authenticate", null, Map.of("token", token)));
        connected = awaitEvent("connected");
        return connected;
    }

    public String clientId() {
        return connected.path("data").path("id").asText();
    }

    public JsonNode connectedFrame() {
        return connected;
    }

    /** Sends a frame with a fresh id and returns the reply carrying that id. */
    public JsonNode request(String event, Object data) {
        String id = "r" + ids.incrementAndGet();
        send(frame(event, id, data));
        return awaitReply(id);
    }

    /**
     * Sends a frame with a fresh id and returns its reply, sending it again while the answer is {@code RATE_LIMITED}
     * (after the {@code retryAfterMs} the server names): for tests that fill a bucket on purpose before the step they test.
     */
    public JsonNode requestPatiently(String event, Object data) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            JsonNode reply = request(event, data);
            if (!"RATE_LIMITED".equals(reply.path("data").path("code").asText()) || System.nanoTime() > deadline) {
                return reply;
            }
            try {
                Thread.sleep(reply.path("data").path("retryAfterMs").asLong(100));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /** Joins and returns the ack, asserting it is one. */
    public JsonNode join(String... rooms) {
        JsonNode reply = request("join", Map.of("rooms", List.of(rooms)));
        assertEquals("ack", reply.path("event").asText(), () -> "join refused: " + reply);
        return reply;
    }

    public static String frame(String event, String id, Object data) {
        ObjectNode frame = JSON.createObjectNode().put("event", event);
        if (id != null) {
            frame.put("id", id);
        }
        if (data != null) {
            frame.set("data", JSON.valueToTree(data));
        }
        return frame.toString();
    }

    public WsClient send(String text) {
        socket.sendText(text, true).join();
        return this;
    }

    /** Sends unless the server has closed the socket meanwhile: for keep-alive loops racing a server close. */
    public void sendIfOpen(String text) {
        try {
            socket.sendText(text, true).join();
        } catch (CompletionException e) {
            if (!closed.isDone() && !socket.isOutputClosed()) {
                throw e;
            }
        }
    }

    public void sendBinary(byte[] data) {
        socket.sendBinary(ByteBuffer.wrap(data), true).join();
    }

    /** A WebSocket ping control frame (not the protocol's {@code ping} event). */
    public void sendControlPing() {
        socket.sendPing(ByteBuffer.wrap(new byte[] {1})).join();
    }

    public JsonNode awaitReply(String id) {
        return awaitFrame(frame -> id.equals(frame.path("id").asText(null)), "reply to " + id);
    }

    public JsonNode awaitEvent(String event) {
        return awaitFrame(frame -> event.equals(frame.path("event").asText(null)), "event " + event);
    }

    /** The next frame, in arrival order. */
    public JsonNode next() {
        return awaitFrame(frame -> true, "any frame");
    }

    /**
     * Waits for the first frame matching; frames that do not match stay queued, in order, for later waits.
     */
    public JsonNode awaitFrame(Predicate<JsonNode> matcher, String what) {
        for (Iterator<JsonNode> it = backlog.iterator(); it.hasNext(); ) {
            JsonNode frame = it.next();
            if (matcher.test(frame)) {
                it.remove();
                return frame;
            }
        }
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            JsonNode frame;
            try {
                frame = left <= 0 ? null : incoming.poll(left, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            if (frame == null) {
                return fail("no " + what + " within " + WAIT + "; unmatched frames: " + backlog
                        + (closed.isDone() ? "; socket closed with " + closed.getNow(null) : ""));
            }
            if (matcher.test(frame)) {
                return frame;
            }
            backlog.add(frame);
        }
    }

    /**
     * The reply to {@code id}, or null when the server closed the socket before sending one; frames that do not match
     * stay queued, in order.
     */
    public JsonNode awaitReplyUnlessClosed(String id) {
        for (Iterator<JsonNode> it = backlog.iterator(); it.hasNext(); ) {
            JsonNode frame = it.next();
            if (id.equals(frame.path("id").asText(null))) {
                it.remove();
                return frame;
            }
        }
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode frame;
            try {
                frame = incoming.poll(20, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            if (frame == null) {
                if (closed.isDone() && incoming.isEmpty()) {
                    return null;
                }
                continue;
            }
            if (id.equals(frame.path("id").asText(null))) {
                return frame;
            }
            backlog.add(frame);
        }
        return fail("no reply to " + id + " within " + WAIT + " and the socket is open");
    }

    /** The server's close code, or null while the socket is open (or it ended without a close frame: -1). */
    public Integer closeCodeNow() {
        if (!closed.isDone()) {
            return null;
        }
        return closed.isCompletedExceptionally() ? -1 : closed.getNow(-1);
    }

    /** Every frame received and not yet consumed, in order. */
    public List<JsonNode> drain() {
        List<JsonNode> frames = new ArrayList<>(backlog);
        backlog.clear();
        incoming.drainTo(frames);
        return frames;
    }

    /**
     * Proves that nothing matching arrived before a ping's pong: the server writes frames of one connection in
     * order, so anything queued for this socket before the pong would come first.
     */
    public void assertNothingBeforePong(Predicate<JsonNode> unwanted, String what) {
        JsonNode pong = request("ping", null);
        assertEquals("pong", pong.path("event").asText());
        for (JsonNode frame : drain()) {
            if (unwanted.test(frame)) {
                fail("received " + what + ": " + frame);
            }
        }
    }

    /** @return the close code sent by the server */
    public int awaitClose() {
        try {
            return closed.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            return fail("socket not closed by the server within " + WAIT + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public boolean isClosed() {
        return closed.isDone();
    }

    @Override
    public void close() {
        if (!closed.isDone()) {
            try {
                socket.sendClose(WebSocket.NORMAL_CLOSURE, "").get(2, TimeUnit.SECONDS);
                closed.get(2, TimeUnit.SECONDS);
            } catch (Exception e) {
                socket.abort();
            }
        }
    }

    private static final class Listener implements WebSocket.Listener {
        private final LinkedBlockingQueue<JsonNode> incoming;
        private final CompletableFuture<Integer> closed;
        private final StringBuilder partial = new StringBuilder();

        Listener(LinkedBlockingQueue<JsonNode> incoming, CompletableFuture<Integer> closed) {
            this.incoming = incoming;
            this.closed = closed;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                try {
                    incoming.add(JSON.readTree(text));
                } catch (IOException e) {
                    incoming.add(
                            JSON.createObjectNode().put("event", "<not json>").put("text", text));
                }
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.completeExceptionally(error instanceof CompletionException ? error.getCause() : error);
        }
    }
}
