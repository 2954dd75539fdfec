package dev.roomcast.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.roomcast.testing.SealedFrames;
import dev.roomcast.testing.ServicesResource;
import dev.roomcast.testing.SseClient;
import dev.roomcast.testing.Tokens;
import dev.roomcast.testing.WsClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code roomcast.require-encryption=true} (PROTOCOL.md section 10): a client without a {@code publicKey} is closed
 * with 4004 instead of receiving {@code connected}, whether it authenticates by first message or at the handshake (the
 * upgrade completes, then the close; an SSE stream's only frame is {@code close} 4004); one that sends its key, in
 * {@code authenticate} or at the handshake, is served, sealed.
 */
@QuarkusTest
@TestProfile(RequiredEncryptionTests.EncryptionRequired.class)
@WithTestResource(ServicesResource.class)
class RequiredEncryptionTests {

    public static class EncryptionRequired implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("roomcast.require-encryption", "true");
        }
    }

    @TestHTTPResource("/")
    URI base;

    @Test
    void aClientWithoutAKeyIsClosedWith4004BeforeConnected() {
        try (WsClient client = WsClient.open(base)) {
            client.send(WsClient.frame("authenticate", "a", Map.of("token", Tokens.user("plain-only"))));
            assertEquals(4004, client.awaitClose());
            assertTrue(client.drain().isEmpty(), "no connected frame");
        }
        try (WsClient handshake =
                WsClient.open(base, null, Map.of("Authorization", "Bearer " + Tokens.user("plain-handshake")))) {
            assertEquals(4004, handshake.awaitClose());
            assertTrue(handshake.drain().isEmpty(), "no connected frame");
        }
    }

    @Test
    void anSseStreamWithoutAKeyHasOneFrameClose4004() throws Exception {
        HttpResponse<String> stream = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(base.resolve("/sse?access_token=" + Tokens.user("plain-stream")))
                                .timeout(Duration.ofSeconds(10))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertEquals(200, stream.statusCode());
        assertEquals(
                "data: {\"event\":\"close\",\"data\":{\"code\":4004,\"reason\":\"encryption required\"}}\n\n",
                stream.body());
    }

    @Test
    void clientsWithTheirKeyAtTheHandshakeAreServedSealed() {
        SealedFrames socketKeys = new SealedFrames();
        try (WsClient socket = WsClient.open(
                base,
                "access_token=" + Tokens.user("sealed-handshake") + "&publicKey=" + socketKeys.publicKeyUrlSafe(),
                Map.of(),
                socketKeys)) {
            assertTrue(socket.awaitEvent("connected")
                    .path("data")
                    .path("encrypted")
                    .asBoolean());
            assertEquals("pong", socket.request("ping", Map.of()).path("event").asText());
        }
        try (SseClient stream = SseClient.encrypted(base, Tokens.user("sealed-stream"), new SealedFrames())) {
            assertEquals("pong", stream.request("ping", Map.of()).path("event").asText());
        }
    }

    @Test
    void aClientWithAKeyIsServedSealed() {
        try (WsClient client = WsClient.open(base)) {
            SealedFrames sealed = new SealedFrames();
            client.send(WsClient.frame(
                    "authenticate", "a", Map.of("token", Tokens.user("sealed-only"), "publicKey", sealed.publicKey())));
            JsonNode connected = client.next();
            assertTrue(connected.path("data").path("encrypted").asBoolean(), connected.toString());
            sealed.connected(connected);
            client.send(sealed.seal(WsClient.frame("ping", "p", Map.of())));
            assertEquals("pong", sealed.open(client.next()).path("event").asText());
        }
    }
}
