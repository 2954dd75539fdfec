package dev.roomcast.transport;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.roomcast.testing.ChatFixtures;
import dev.roomcast.testing.SealedFrames;
import dev.roomcast.testing.ServicesResource;
import dev.roomcast.testing.SseClient;
import dev.roomcast.testing.Tokens;
import dev.roomcast.testing.WsClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * PROTOCOL.md section 10 with the key sent at the handshake ({@code publicKey} in the query of {@code GET /ws} and
 * {@code GET /sse}): sealed sessions over both transports, the SSE stream's POSTed frames opened in counter order and
 * its final {@code close} frame sealed; a key that is not P-256 refused with 400 (after 401 for a bad token); a key at
 * the upgrade of a socket that authenticates by first message ignored.
 */
@QuarkusTest
@WithTestResource(ServicesResource.class)
class EncryptedHandshakeTests {

    @TestHTTPResource("/")
    URI base;

    @Test
    void aWebSocketWithItsKeyInTheQueryIsSealedFromConnectedOn() {
        String room = ChatFixtures.room(base, "hs-owner", "hs-sealed", "hs-ann");
        SealedFrames keys = new SealedFrames();
        String query = "access_token=" + Tokens.user("hs-ann") + "&publicKey=" + keys.publicKeyUrlSafe();
        try (WsClient client = WsClient.open(base, query, Map.of(), keys)) {
            JsonNode connected = client.awaitEvent("connected");
            assertTrue(connected.path("data").path("encrypted").asBoolean(), connected.toString());
            assertTrue(keys.agreed());

            assertEquals("pong", client.request("ping", Map.of()).path("event").asText());
            client.join(room, "live:hs-sealed");
            JsonNode sent = client.request(
                    "message.send", Map.of("room", room, "text", "sealed at the handshake", "clientMsgId", "hs-1"));
            assertEquals("ack", sent.path("event").asText(), sent.toString());
            JsonNode created = client.awaitEvent("message.created");
            assertEquals(
                    "sealed at the handshake",
                    created.path("data").path("message").path("text").asText());
            emit("live:hs-sealed", 7);
            assertEquals(7, client.awaitEvent("emitted").path("data").path("n").asInt());
            assertNoPlaintext(client.drain());
        }
    }

    @Test
    void aBearerTokenWithAStandardBase64KeyInTheQueryIsSealedToo() {
        SealedFrames keys = new SealedFrames();
        String query = "publicKey=" + URLEncoder.encode(keys.publicKey(), StandardCharsets.UTF_8);
        try (WsClient client =
                WsClient.open(base, query, Map.of("Authorization", "Bearer " + Tokens.user("hs-bearer")), keys)) {
            assertTrue(client.awaitEvent("connected")
                    .path("data")
                    .path("encrypted")
                    .asBoolean());
            assertEquals("pong", client.request("ping", Map.of()).path("event").asText());
        }
    }

    @Test
    void aKeyThatIsNotP256IsRefusedWith400AfterTheTokenIsChecked() {
        String token = Tokens.user("hs-bad-key");
        for (String key : List.of("bm90IGEga2V5", p384Key(), "", "%25%25")) {
            assertEquals(
                    400,
                    WsClient.refusedStatus(base, "access_token=" + token + "&publicKey=" + key, Map.of()),
                    "/ws with publicKey " + key);
            SseClient.Refusal refusal =
                    SseClient.refused(base, Map.of(), "?access_token=" + token + "&publicKey=" + key);
            assertEquals(400, refusal.status(), refusal.body());
            assertTrue(refusal.body().contains("\"BAD_REQUEST\""), refusal.body());
        }
        assertEquals(401, WsClient.refusedStatus(base, "access_token=not.a.jwt&publicKey=bm90", Map.of()));
        assertEquals(
                401,
                SseClient.refused(base, Map.of(), "?access_token=not.a.jwt&publicKey=bm90")
                        .status());
    }

    @Test
    void aKeyAtTheUpgradeOfASocketThatAuthenticatesByFirstMessageIsIgnored() {
        try (WsClient plain = WsClient.open(base, "publicKey=bm90IGEga2V5", Map.of())) {
            JsonNode connected = plain.authenticate(Tokens.user("hs-first-plain"));
            assertFalse(connected.path("data").path("encrypted").asBoolean(), connected.toString());
            assertEquals("pong", plain.request("ping", Map.of()).path("event").asText());
        }
        SealedFrames upgradeKeys = new SealedFrames();
        SealedFrames messageKeys = new SealedFrames();
        try (WsClient sealed =
                WsClient.open(base, "publicKey=" + upgradeKeys.publicKeyUrlSafe(), Map.of(), messageKeys)) {
            sealed.send(WsClient.frame(
                    "authenticate",
                    "a",
                    Map.of("token", Tokens.user("hs-first-sealed"), "publicKey", messageKeys.publicKey())));
            assertTrue(sealed.awaitEvent("connected")
                    .path("data")
                    .path("encrypted")
                    .asBoolean());
            // Opened with the keys of the authenticate frame's key: the upgrade's played no part.
            assertEquals("pong", sealed.request("ping", Map.of()).path("event").asText());
            assertNoPlaintext(sealed.drain());
        }
    }

    @Test
    void anSseStreamWithItsKeyIsSealedBothWaysInPostOrder() {
        SealedFrames keys = new SealedFrames();
        try (SseClient stream = SseClient.encrypted(base, Tokens.user("hs-sse"), keys);
                WsClient watcher = WsClient.withBearer(base, Tokens.user("hs-sse-watcher"))) {
            assertTrue(stream.connectedFrame().path("data").path("encrypted").asBoolean());
            stream.join("live:hs-sse");
            watcher.join("live:hs-sse");
            List<String> batch = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                batch.add(WsClient.frame("ping", "p" + i, null));
            }
            stream.sendAll(batch); // one POST, twelve frames, each sealed with the next counter
            for (int i = 0; i < 12; i++) {
                assertEquals("p" + i, stream.awaitEvent("pong").path("id").asText(), "replies in counter order");
            }
            stream.request("publish", Map.of("room", "live:hs-sse", "event", "note", "data", 1));
            assertEquals(
                    stream.clientId(),
                    watcher.awaitEvent("note").path("from").path("clientId").asText());
            emit("live:hs-sse", 3);
            assertEquals(3, stream.awaitEvent("emitted").path("data").path("n").asInt());
            assertNoPlaintext(stream.drain());
        }
    }

    @Test
    void plaintextPostedToAnEncryptedStreamIsRefusedSealedAndEndsWithASealedCloseFrame() {
        SealedFrames keys = new SealedFrames();
        String token = Tokens.user("hs-sse-plain");
        try (SseClient stream = SseClient.encrypted(base, token, keys)) {
            HttpResponse<String> plain =
                    SseClient.post(base, stream.clientId(), token, WsClient.frame("ping", "plain", null));
            assertEquals(202, plain.statusCode(), "the POST is accepted; its frame is refused on the stream");
            JsonNode refused = stream.awaitEvent("error");
            assertEquals("BAD_REQUEST", refused.path("data").path("code").asText(), refused.toString());
            assertTrue(refused.path("id").isMissingNode(), refused.toString());

            // A run of refused frames ends the session with 1008, its close frame sealed like every frame before it.
            for (int i = 0; i < 30 && stream.closeCodeNow() == null; i++) {
                SseClient.post(base, stream.clientId(), token, WsClient.frame("ping", "plain" + i, null));
            }
            assertEquals(1008, stream.awaitClose());
            assertEquals("close", stream.closeFrame().path("event").asText());
            assertNoPlaintext(stream.drain());
        }
    }

    /** A well-formed SPKI public key of the wrong curve (P-384), base64url. */
    private static String p384Key() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp384r1"));
            return Base64.getUrlEncoder()
                    .withoutPadding()
                    .encodeToString(generator.generateKeyPair().getPublic().getEncoded());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private void emit(String room, int n) {
        given().baseUri(base.toString())
                .auth()
                .oauth2(Tokens.admin("hs-ops"))
                .contentType(ContentType.JSON)
                .body(Map.of("type", "room", "target", room, "event", "emitted", "data", Map.of("n", n)))
                .post("/api/emit")
                .then()
                .statusCode(202);
    }

    /** Every frame the client opened was sealed: a plaintext one, or one that did not open, shows as {@code <not sealed>}. */
    private static void assertNoPlaintext(List<JsonNode> frames) {
        for (JsonNode frame : frames) {
            assertFalse("<not sealed>".equals(frame.path("event").asText()), frame.toString());
        }
    }
}
