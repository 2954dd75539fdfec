package dev.roomcast.admin;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.roomcast.testing.ServicesResource;
import dev.roomcast.testing.SseClient;
import dev.roomcast.testing.Tokens;
import dev.roomcast.testing.WsClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /api/disconnect} on one pod (PROTOCOL.md section 12): a user's sessions, WebSocket and SSE, or one client,
 * closed with 4006 and the reason; others untouched; 202 {} even when nothing matched; 400 for bad bodies, 403 for
 * non-admins.
 */
@QuarkusTest
@WithTestResource(ServicesResource.class)
class DisconnectTests {

    @TestHTTPResource("/")
    URI base;

    @Test
    void aUsersSessionsCloseWith4006AndTheReasonOthersStay() {
        try (WsClient socket = WsClient.withBearer(base, Tokens.user("dc-ann"));
                SseClient stream = SseClient.withBearer(base, Tokens.user("dc-ann"));
                WsClient other = WsClient.withBearer(base, Tokens.user("dc-bob"))) {
            disconnect(Map.of("user", "dc-ann", "reason", "account suspended"), 202);
            assertEquals(4006, socket.awaitClose());
            assertEquals(4006, stream.awaitClose());
            assertEquals(
                    "account suspended",
                    stream.closeFrame().path("data").path("reason").asText());
            assertEquals("pong", other.request("ping", Map.of()).path("event").asText());
        }
    }

    @Test
    void oneClientClosesWithTheDefaultReason() {
        try (SseClient stream = SseClient.withBearer(base, Tokens.user("dc-carol"));
                WsClient sibling = WsClient.withBearer(base, Tokens.user("dc-carol"))) {
            disconnect(Map.of("client", stream.clientId()), 202);
            assertEquals(4006, stream.awaitClose());
            assertEquals(
                    "disconnected",
                    stream.closeFrame().path("data").path("reason").asText());
            assertEquals("pong", sibling.request("ping", Map.of()).path("event").asText());
        }
        disconnect(Map.of("client", "nobody.1"), 202);
        disconnect(Map.of("user", "dc-nobody"), 202);
    }

    @Test
    void badBodiesAre400AndNonAdmins403() {
        disconnect(Map.of(), 400);
        disconnect(Map.of("user", "dc-ann", "client", "x.1"), 400);
        disconnect(Map.of("user", "dc-ann", "reason", "x".repeat(121)), 400);
        disconnect(Map.of("user", "dc-ann", "reason", "é".repeat(61)), 400); // 122 bytes
        disconnect(Map.of("user", "dc-ann", "reason", "line\nbreak"), 400);
        disconnect(Map.of("user", "dc-ann", "reason", "é".repeat(60)), 202); // 120 bytes
        given().baseUri(base.toString())
                .auth()
                .oauth2(Tokens.user("dc-mallory"))
                .contentType(ContentType.JSON)
                .body(Map.of("user", "dc-ann"))
                .post("/api/disconnect")
                .then()
                .statusCode(403);
    }

    private void disconnect(Map<String, Object> body, int status) {
        given().baseUri(base.toString())
                .auth()
                .oauth2(Tokens.admin("dc-ops"))
                .contentType(ContentType.JSON)
                .body(body)
                .post("/api/disconnect")
                .then()
                .statusCode(status);
    }
}
