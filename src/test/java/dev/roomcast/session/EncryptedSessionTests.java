package dev.roomcast.session;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.roomcast.testing.ChatFixtures;
import dev.roomcast.testing.SealedFrames;
import dev.roomcast.testing.ServicesResource;
import dev.roomcast.testing.Tokens;
import dev.roomcast.testing.WsClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.net.URI;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * PROTOCOL.md section 10 on a WebSocket authenticated by first message: {@code publicKey} in {@code authenticate},
 * {@code connected} in plaintext with the server's key and salt, then every frame both ways sealed, replies and
 * deliveries alike; refused frames (plaintext, replayed, tampered) answered {@code BAD_REQUEST} without id, sealed,
 * the session going on; a key that is not P-256 closes with 4004 and nothing else.
 */
@QuarkusTest
@WithTestResource(ServicesResource.class)
class EncryptedSessionTests {

    @TestHTTPResource("/")
    URI base;

    /** Sealed frames opened and not yet matched, in order. */
    private final List<JsonNode> opened = new ArrayList<>();

    @Test
    void everyFrameAfterConnectedIsSealedBothWays() {
        String room = ChatFixtures.room(base, "enc-owner", "sealed", "enc-user");
        try (WsClient client = WsClient.open(base)) {
            SealedFrames sealed = new SealedFrames();
            JsonNode connected = authenticate(client, "enc-user", sealed.publicKey());
            assertEquals("connected", connected.path("event").asText(), connected.toString());
            assertTrue(connected.path("data").path("encrypted").asBoolean());
            sealed.connected(connected);

            client.send(sealed.seal(WsClient.frame("ping", "p1", Map.of())));
            JsonNode pong = sealed.open(client.next());
            assertEquals("pong", pong.path("event").asText(), pong.toString());
            assertEquals("p1", pong.path("id").asText());

            client.send(sealed.seal(WsClient.frame("join", "j1", Map.of("rooms", List.of(room, "live:sealed")))));
            assertEquals(
                    "ack",
                    awaitSealed(
                                    client,
                                    sealed,
                                    frame -> "j1".equals(frame.path("id").asText()))
                            .path("event")
                            .asText());
            // Presence announces the member to the room, sealed for it like any delivery.
            awaitSealed(
                    client,
                    sealed,
                    frame -> "presence.join".equals(frame.path("event").asText()));

            client.send(sealed.seal(WsClient.frame(
                    "message.send", "m1", Map.of("room", room, "text", "sealed hello", "clientMsgId", "enc-1"))));
            assertEquals(
                    "ack",
                    awaitSealed(
                                    client,
                                    sealed,
                                    frame -> "m1".equals(frame.path("id").asText()))
                            .path("event")
                            .asText());
            JsonNode created = awaitSealed(
                    client,
                    sealed,
                    frame -> "message.created".equals(frame.path("event").asText()));
            assertEquals(
                    "sealed hello",
                    created.path("data").path("message").path("text").asText());

            given().baseUri(base.toString())
                    .auth()
                    .oauth2(Tokens.admin("ops"))
                    .contentType(ContentType.JSON)
                    .body(Map.of("type", "room", "target", "live:sealed", "event", "emitted", "data", Map.of("n", 1)))
                    .post("/api/emit")
                    .then()
                    .statusCode(202);
            JsonNode emitted = awaitSealed(
                    client,
                    sealed,
                    frame -> "emitted".equals(frame.path("event").asText()));
            assertEquals(1, emitted.path("data").path("n").asInt());
        }
    }

    @Test
    void refusedFramesAreAnsweredSealedWithoutIdAndTheSessionGoesOn() {
        try (WsClient client = WsClient.open(base)) {
            SealedFrames sealed = new SealedFrames();
            sealed.connected(authenticate(client, "enc-refused", sealed.publicKey()));

            client.send(WsClient.frame("ping", "plain", Map.of()));
            assertBadRequestWithoutId(sealed.open(client.next()));

            String good = sealed.seal(WsClient.frame("ping", "once", Map.of()));
            client.send(good);
            assertEquals("once", sealed.open(client.next()).path("id").asText());
            client.send(good); // replayed
            assertBadRequestWithoutId(sealed.open(client.next()));

            String next = sealed.seal(WsClient.frame("ping", "tampered", Map.of()));
            client.send(next.replace("\"ct\":\"", "\"ct\":\"AAAA"));
            assertBadRequestWithoutId(sealed.open(client.next()));
            client.send(sealed.sealAt(WsClient.frame("ping", "older", Map.of()), 0)); // reordered
            assertBadRequestWithoutId(sealed.open(client.next()));

            client.send(next); // the counter the refused frames did not use
            assertEquals("tampered", sealed.open(client.next()).path("id").asText());
            assertFalse(client.isClosed());
        }
    }

    @Test
    void aPublicKeyThatIsNotP256ClosesWith4004AndNothingElse() {
        try (WsClient client = WsClient.open(base)) {
            client.send(WsClient.frame(
                    "authenticate", "a", Map.of("token", Tokens.user("enc-bad-key"), "publicKey", "bm90IGEga2V5")));
            assertEquals(4004, client.awaitClose());
            assertTrue(client.drain().isEmpty(), "no frame before the close");
        }
    }

    /**
     * The first sealed frame that matches, among those opened before and the next few: frames that do not match stay,
     * in order, for later waits (a delivery and the ack of the frame that caused it may come in either order).
     */
    private JsonNode awaitSealed(WsClient client, SealedFrames sealed, Predicate<JsonNode> wanted) {
        for (Iterator<JsonNode> it = opened.iterator(); it.hasNext(); ) {
            JsonNode frame = it.next();
            if (wanted.test(frame)) {
                it.remove();
                return frame;
            }
        }
        for (int i = 0; i < 20; i++) {
            JsonNode frame = sealed.open(client.next());
            if (wanted.test(frame)) {
                return frame;
            }
            opened.add(frame);
        }
        throw new AssertionError("no such sealed frame; opened meanwhile: " + opened);
    }

    private static JsonNode authenticate(WsClient client, String userId, String publicKey) {
        client.send(WsClient.frame("authenticate", "a", Map.of("token", Tokens.user(userId), "publicKey", publicKey)));
        return client.next();
    }

    private static void assertBadRequestWithoutId(JsonNode error) {
        assertEquals("error", error.path("event").asText(), error.toString());
        assertEquals("BAD_REQUEST", error.path("data").path("code").asText(), error.toString());
        assertTrue(error.path("id").isMissingNode(), error.toString());
    }
}
