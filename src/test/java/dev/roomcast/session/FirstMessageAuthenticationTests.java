package dev.roomcast.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.roomcast.testing.ServicesResource;
import dev.roomcast.testing.Tokens;
import dev.roomcast.testing.WsClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** PROTOCOL.md section 2: authentication by first message, the gate before it, 4003, and refresh. */
@QuarkusTest
@WithTestResource(ServicesResource.class)
class FirstMessageAuthenticationTests {

    @TestHTTPResource("/")
    URI base;

    @Test
    void authenticateWithIdIsAnsweredByConnectedCarryingTheId() {
        try (WsClient client = WsClient.open(base)) {
            JsonNode connected = client.request("authenticate", Map.of("token", Tokens.user("alice")));
            assertEquals("connected", connected.path("event").asText());
            assertEquals("alice", connected.path("data").path("userId").asText());
        }
    }

    @Test
    void invalidTokenClosesWith4003() {
        try (WsClient client = WsClient.open(base)) {
            client.send(WsClient.frame("authenticate", "a1", Map.of("token", "garbage")));
            assertEquals(4003, client.awaitClose());
        }
    }

    @Test
    void expiredTokenClosesWith4003() {
        try (WsClient client = WsClient.open(base)) {
            String expired = Tokens.expiringAt("bob", Instant.now().minusSeconds(7200));
            client.send(WsClient.frame("authenticate", null, Map.of("token", expired)));
            assertEquals(4003, client.awaitClose());
        }
    }

    @Test
    void beforeAuthenticationOnlyAuthenticateHeartbeatAndPingAreAccepted() {
        try (WsClient client = WsClient.open(base)) {
            JsonNode join = client.request("join", Map.of("rooms", List.of("live:lobby")));
            assertEquals("error", join.path("event").asText());
            assertEquals("AUTH_REQUIRED", join.path("data").path("code").asText());
            JsonNode publish = client.request("publish", Map.of("room", "live:lobby", "event", "x"));
            assertEquals("AUTH_REQUIRED", publish.path("data").path("code").asText());
            JsonNode unknown = client.request("no.such.event", Map.of());
            assertEquals("AUTH_REQUIRED", unknown.path("data").path("code").asText(), "anything else, known or not");
            assertEquals("ack", client.request("heartbeat", null).path("event").asText());
            assertEquals("pong", client.request("ping", null).path("event").asText());
            client.authenticate(Tokens.user("carol"));
            assertEquals("ack", client.join("live:lobby").path("event").asText());
        }
    }

    @Test
    void authenticateWithoutTokenIsABadRequestAndKeepsTheSocketOpen() {
        try (WsClient client = WsClient.open(base)) {
            JsonNode reply = client.request("authenticate", Map.of("tok", "x"));
            assertEquals("BAD_REQUEST", reply.path("data").path("code").asText());
            client.authenticate(Tokens.user("dave"));
        }
    }

    @Test
    void authenticatingTwiceIsABadRequest() {
        try (WsClient client = WsClient.withBearer(base, Tokens.user("erin"))) {
            JsonNode again = client.request("authenticate", Map.of("token", Tokens.user("erin")));
            assertEquals("BAD_REQUEST", again.path("data").path("code").asText());
            assertEquals("pong", client.request("ping", null).path("event").asText());
        }
    }

    @Test
    void refreshReplacesTheTokenAndAcksItsExpiry() {
        try (WsClient client = WsClient.withBearer(base, Tokens.user("frank"))) {
            Instant expiry = Instant.now().plusSeconds(7200);
            JsonNode ack = client.request("refresh", Map.of("token", Tokens.expiringAt("frank", expiry)));
            assertEquals("ack", ack.path("event").asText());
            assertEquals(expiry.getEpochSecond(), ack.path("data").path("exp").asLong());
        }
    }

    @Test
    void refreshWithAnotherUsersTokenIsForbidden() {
        try (WsClient client = WsClient.withBearer(base, Tokens.user("grace"))) {
            JsonNode reply = client.request("refresh", Map.of("token", Tokens.user("heidi")));
            assertEquals("error", reply.path("event").asText());
            assertEquals("FORBIDDEN", reply.path("data").path("code").asText());
        }
    }

    @Test
    void refreshWithAnInvalidTokenIsRefusedAndTheSessionGoesOn() {
        try (WsClient client = WsClient.withBearer(base, Tokens.user("ivan"))) {
            JsonNode reply = client.request("refresh", Map.of("token", "not-a-token"));
            assertEquals("AUTH_REQUIRED", reply.path("data").path("code").asText());
            assertTrue(client.join("live:after-refresh")
                    .path("data")
                    .path("rooms")
                    .get(0)
                    .path("joined")
                    .asBoolean());
        }
    }
}
