package dev.roomcast.testing;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A real WebSocket client for tests (the JDK's {@code java.net.http}), usable in {@code @QuarkusTest}s and in
 * integration tests against packaged pods alike.
 */
public final class WsClient extends ProtocolClient {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private WebSocket socket;

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
        return open(base, query, headers, null);
    }

    /**
     * Opens a socket whose session is encrypted with these keys (PROTOCOL.md section 10): the caller sends the key, at
     * the upgrade ({@code publicKey} in the query) or in {@code authenticate}; from {@code connected} on, frames are
     * sealed and opened by the client.
     */
    public static WsClient open(URI base, String query, Map<String, String> headers, SealedFrames keys) {
        URI uri = URI.create(base.toString().replaceFirst("^http", "ws").replaceAll("/+$", "") + "/ws"
                + (query == null ? "" : "?" + query));
        WsClient client = new WsClient();
        if (keys != null) {
            client.sealWith(keys);
        }
        WebSocket.Builder builder = HTTP.newWebSocketBuilder().connectTimeout(WAIT);
        headers.forEach(builder::header);
        try {
            client.socket = builder.buildAsync(uri, new Listener(client)).get(WAIT.toSeconds(), TimeUnit.SECONDS);
            return client;
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

    @Override
    public WsClient send(String text) {
        socket.sendText(outgoing(text), true).join();
        return this;
    }

    @Override
    public void sendIfOpen(String text) {
        try {
            socket.sendText(outgoing(text), true).join();
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
        private final WsClient client;
        private final LinkedBlockingQueue<JsonNode> incoming;
        private final CompletableFuture<Integer> closed;
        private final StringBuilder partial = new StringBuilder();

        Listener(WsClient client) {
            this.client = client;
            this.incoming = client.incoming;
            this.closed = client.closed;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                try {
                    incoming.add(client.arrived(JSON.readTree(text)));
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
