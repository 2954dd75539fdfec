package dev.roomcast;

import static io.restassured.RestAssured.get;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.roomcast.testing.Management;
import dev.roomcast.testing.ProtocolClient;
import dev.roomcast.testing.ServicesResource;
import dev.roomcast.testing.SseClient;
import dev.roomcast.testing.Tokens;
import dev.roomcast.testing.WsClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.http.ContentType;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The packaged application (JVM jar here, native binary with -Pnative), prod profile: connect and authenticate, a
 * room round trip over WebSocket and over SSE, the emit API, health and metrics on the management port.
 */
@QuarkusIntegrationTest
@WithTestResource(ServicesResource.class)
class GatewayIT {

    @TestHTTPResource("/")
    URI base;

    @Test
    void connectsAuthenticatesAndRoundTripsARoom() {
        try (WsClient alice = WsClient.withQueryToken(base, Tokens.user("alice"));
                WsClient bob = WsClient.open(base)) {
            assertEquals(
                    "bob",
                    bob.authenticate(Tokens.user("bob"))
                            .path("data")
                            .path("userId")
                            .asText());
            alice.join("live:it");
            bob.join("live:it");
            waves(alice, bob, "live:it", "left");
        }
    }

    /** The HTTP fallback, packaged: a stream and its POSTs meet a WebSocket client in a room. */
    @Test
    void anSseSessionTalksToAWebSocketOne() {
        try (SseClient erin = SseClient.withQueryToken(base, Tokens.user("erin"));
                WsClient frank = WsClient.withBearer(base, Tokens.user("frank"))) {
            assertEquals(
                    "erin", erin.connectedFrame().path("data").path("userId").asText());
            erin.join("live:sse-it");
            frank.join("live:sse-it");
            waves(frank, erin, "live:sse-it", "right");
            waves(erin, frank, "live:sse-it", "left");
        }
    }

    /** {@code from} publishes a wave in the room, and {@code to} receives it from {@code from}. */
    private static void waves(ProtocolClient from, ProtocolClient to, String room, String hand) {
        from.request("publish", Map.of("room", room, "event", "wave", "data", Map.of("hand", hand)));
        JsonNode frame = to.awaitEvent("wave");
        assertEquals(hand, frame.path("data").path("hand").asText());
        assertEquals(from.clientId(), frame.path("from").path("clientId").asText());
    }

    @Test
    void emitsOverRest() {
        try (WsClient client = WsClient.withBearer(base, Tokens.user("carol"))) {
            given().auth()
                    .oauth2(Tokens.admin("ops"))
                    .contentType(ContentType.JSON)
                    .body(Map.of("type", "user", "target", "carol", "event", "notice", "data", "hi"))
                    .post("/api/emit")
                    .then()
                    .statusCode(202);
            assertEquals("hi", client.awaitEvent("notice").path("data").asText());
            given().contentType(ContentType.JSON)
                    .body(Map.of("type", "broadcast", "event", "x"))
                    .post("/api/emit")
                    .then()
                    .statusCode(401)
                    .body("code", equalTo("AUTH_REQUIRED"));
        }
    }

    /** Chat through the database: migrations, Hibernate Reactive, offsets, the REST API and presence, packaged. */
    @Test
    void chatsOverRestAndWebSocket() {
        String room = "chat:it-" + System.nanoTime();
        given().auth()
                .oauth2(Tokens.user("dora"))
                .contentType(ContentType.JSON)
                .body(Map.of("room", room, "title", "IT"))
                .post("/api/rooms")
                .then()
                .statusCode(201)
                .body("epoch", notNullValue());
        try (WsClient dora = WsClient.withBearer(base, Tokens.user("dora"))) {
            assertEquals(
                    0,
                    dora.join(room)
                            .path("data")
                            .path("rooms")
                            .get(0)
                            .path("offset")
                            .asInt());
            given().auth()
                    .oauth2(Tokens.user("dora"))
                    .contentType(ContentType.JSON)
                    .body(Map.of("text", "hello @dora", "clientMsgId", room + "-1"))
                    .post("/api/rooms/" + room + "/messages")
                    .then()
                    .statusCode(201)
                    .body("message.offset", equalTo(1));
            assertEquals(
                    "hello @dora",
                    dora.awaitEvent("message.created")
                            .path("data")
                            .path("message")
                            .path("text")
                            .asText());
            given().auth()
                    .oauth2(Tokens.user("dora"))
                    .get("/api/rooms/" + room + "/messages")
                    .then()
                    .statusCode(200)
                    .body("items.size()", equalTo(1))
                    .body("items[0].text", equalTo("hello @dora"));
            given().auth()
                    .oauth2(Tokens.user("dora"))
                    .get("/api/rooms/" + room + "/presence")
                    .then()
                    .statusCode(200)
                    .body("users[0].userId", equalTo("dora"));
        }
    }

    @Test
    void servesHealthAndMetricsOnTheManagementPortAndOpenApiPublicly() {
        Management.given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        Management.given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
        Management.given()
                .get("/q/metrics")
                .then()
                .statusCode(200)
                .body(containsString("roomcast_connections"))
                .body(containsString("roomcast_delivery_latency_seconds_bucket"));
        get("/q/health/ready").then().statusCode(404);
        get("/q/metrics").then().statusCode(404);
        get("/q/openapi").then().statusCode(200).body(containsString("/api/emit"));
    }
}
