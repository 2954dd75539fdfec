package dev.roomcast.admin;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.roomcast.testing.SealedFrames;
import dev.roomcast.testing.ServicesResource;
import dev.roomcast.testing.SseClient;
import dev.roomcast.testing.Tokens;
import dev.roomcast.testing.WsClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /api/users/{userId}/sessions} and {@code DELETE .../sessions/{client}} on one pod (PROTOCOL.md section 12):
 * each live session with its transport, rooms and encryption, for the user itself or an admin; gone once closed; a
 * session ended by its user's request closes with 4006.
 */
@QuarkusTest
@WithTestResource(ServicesResource.class)
class SessionListingTests {

    @TestHTTPResource("/")
    URI base;

    @Test
    void theUsersSessionsAreListedWithTheirTransportRoomsAndEncryption() {
        String token = Tokens.user("ls-ann");
        try (WsClient socket = WsClient.withBearer(base, token);
                SseClient stream = SseClient.encrypted(base, token, new SealedFrames())) {
            socket.join("live:ls-one", "live:ls-two");
            JsonPath listed = sessions("ls-ann", token, 200);
            assertEquals(2, listed.getList("items").size(), listed.prettify());
            Map<String, Object> ws = listed.getMap("items.find { it.client == '" + socket.clientId() + "' }");
            assertEquals("websocket", ws.get("transport"));
            assertEquals(2, ws.get("rooms"));
            assertEquals(false, ws.get("encrypted"));
            assertEquals(socket.connectedFrame().path("data").path("pod").asText(), ws.get("pod"));
            Map<String, Object> sse = listed.getMap("items.find { it.client == '" + stream.clientId() + "' }");
            assertEquals("sse", sse.get("transport"));
            assertEquals(0, sse.get("rooms"));
            assertEquals(true, sse.get("encrypted"));

            sessions("ls-ann", Tokens.admin("ls-ops"), 200);
            sessions("ls-ann", Tokens.user("ls-bob"), 403);

            socket.close();
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> sessions("ls-ann", token, 200).getList("items").size() == 1);
        }
        await().atMost(Duration.ofSeconds(5))
                .until(() -> sessions("ls-ann", token, 200).getList("items").isEmpty());
    }

    @Test
    void aUserEndsOneOfItsSessionsAndNoOneElses() {
        String token = Tokens.user("ls-carol");
        try (WsClient phone = WsClient.withBearer(base, token);
                WsClient laptop = WsClient.withBearer(base, token)) {
            end("ls-carol", phone.clientId(), Tokens.user("ls-dave"), 403);
            end("ls-carol", phone.clientId(), token, 204);
            assertEquals(4006, phone.awaitClose());
            assertEquals("pong", laptop.request("ping", Map.of()).path("event").asText());
            end("ls-carol", phone.clientId(), token, 404);
            end("ls-carol", "nobody.1", token, 404);
            JsonNode listed = given().baseUri(base.toString())
                    .auth()
                    .oauth2(token)
                    .get("/api/users/ls-carol/sessions")
                    .then()
                    .statusCode(200)
                    .extract()
                    .as(JsonNode.class);
            assertEquals(
                    laptop.clientId(),
                    listed.path("items").path(0).path("client").asText());
        }
    }

    private JsonPath sessions(String userId, String token, int status) {
        return given().baseUri(base.toString())
                .auth()
                .oauth2(token)
                .get("/api/users/" + userId + "/sessions")
                .then()
                .statusCode(status)
                .extract()
                .jsonPath();
    }

    private void end(String userId, String client, String token, int status) {
        given().baseUri(base.toString())
                .auth()
                .oauth2(token)
                .delete("/api/users/" + userId + "/sessions/" + client)
                .then()
                .statusCode(status);
    }
}
