package dev.roomcast.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.roomcast.testing.ServicesResource;
import dev.roomcast.testing.Tokens;
import dev.roomcast.testing.WsClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** PROTOCOL.md section 7: POST /api/emit for room, user, client and broadcast targets, exclude, and its refusals. */
@QuarkusTest
@WithTestResource(ServicesResource.class)
class EmitResourceTests {

    @TestHTTPResource("/")
    URI base;

    private static void emit(Map<String, Object> body) {
        given().auth()
                .oauth2(Tokens.admin("ops"))
                .contentType(ContentType.JSON)
                .body(body)
                .post("/api/emit")
                .then()
                .statusCode(202);
    }

    @Test
    void roomEmitCarriesTheRoomAndReachesOnlyItsMembers() {
        try (WsClient member = WsClient.withBearer(base, Tokens.user("m1"));
                WsClient other = WsClient.withBearer(base, Tokens.user("m2"))) {
            member.join("live:news");
            emit(Map.of("type", "room", "target", "live:news", "event", "headline", "data", Map.of("id", 1)));
            JsonNode frame = member.awaitEvent("headline");
            assertEquals("live:news", frame.path("room").asText());
            assertEquals(1, frame.path("data").path("id").asInt());
            assertTrue(frame.path("from").isMissingNode());
            other.assertNothingBeforePong(f -> "headline".equals(f.path("event").asText()), "another room's event");
        }
    }

    @Test
    void userEmitReachesEverySessionOfTheUserWithoutRoom() {
        try (WsClient tab1 = WsClient.withBearer(base, Tokens.user("uemit"));
                WsClient tab2 = WsClient.withQueryToken(base, Tokens.user("uemit"))) {
            emit(Map.of("type", "user", "target", "uemit", "event", "job.done", "data", Map.of("id", 7)));
            for (WsClient tab : List.of(tab1, tab2)) {
                JsonNode frame = tab.awaitEvent("job.done");
                assertTrue(frame.path("room").isMissingNode(), "no room on user deliveries: " + frame);
                assertEquals(7, frame.path("data").path("id").asInt());
            }
        }
    }

    @Test
    void clientEmitReachesThatConnectionOnly() {
        try (WsClient target = WsClient.withBearer(base, Tokens.user("cemit"));
                WsClient sibling = WsClient.withBearer(base, Tokens.user("cemit"))) {
            emit(Map.of("type", "client", "target", target.clientId(), "event", "only.you"));
            JsonNode frame = target.awaitEvent("only.you");
            assertTrue(frame.path("room").isMissingNode());
            assertTrue(frame.path("data").isMissingNode());
            sibling.assertNothingBeforePong(
                    f -> "only.you".equals(f.path("event").asText()), "another client's event");
        }
    }

    @Test
    void typeRoomToAnAutomaticRoomIsDeliveredAsToItsUser() {
        try (WsClient tab = WsClient.withBearer(base, Tokens.user("auto"))) {
            emit(Map.of("type", "room", "target", "user:auto", "event", "hello"));
            assertTrue(tab.awaitEvent("hello").path("room").isMissingNode());
        }
    }

    @Test
    void broadcastReachesAuthenticatedClientsOnlyAndHonoursExclude() {
        try (WsClient one = WsClient.withBearer(base, Tokens.user("b1"));
                WsClient two = WsClient.withBearer(base, Tokens.user("b2"));
                WsClient anonymous = WsClient.open(base)) {
            emit(Map.of(
                    "type", "broadcast", "event", "maintenance", "data", "soon", "exclude", List.of(two.clientId())));
            assertEquals("soon", one.awaitEvent("maintenance").path("data").asText());
            two.assertNothingBeforePong(
                    f -> "maintenance".equals(f.path("event").asText()), "an excluded broadcast");
            anonymous.assertNothingBeforePong(
                    f -> "maintenance".equals(f.path("event").asText()), "a broadcast before authenticating");
        }
    }

    @Test
    void badRequestsAreRefusedWithProblemBodies() {
        for (Map<String, Object> body : List.<Map<String, Object>>of(
                Map.of("type", "galaxy", "target", "x", "event", "e"),
                Map.of("type", "room", "event", "e"),
                Map.of("type", "user", "target", "", "event", "e"),
                Map.of("type", "room", "target", "live:x", "event", "connected"),
                Map.of("type", "room", "target", "live:x", "event", "close"),
                Map.of("type", "room", "target", "live:x", "event", "encrypted"),
                Map.of("type", "room", "target", "live:x", "event", "has space"),
                Map.of("type", "room", "target", "not a room", "event", "e"),
                Map.of("type", "broadcast"))) {
            given().auth()
                    .oauth2(Tokens.admin("ops"))
                    .contentType(ContentType.JSON)
                    .body(body)
                    .post("/api/emit")
                    .then()
                    .statusCode(400)
                    .body("code", equalTo("BAD_REQUEST"))
                    .body("message", notNullValue());
        }
        for (String malformed :
                List.of("{not json", "{\"type\":\"broadcast\",\"event\":\"e\",\"exclude\":\"one\"}", "[]")) {
            given().auth()
                    .oauth2(Tokens.admin("ops"))
                    .contentType(ContentType.JSON)
                    .body(malformed)
                    .post("/api/emit")
                    .then()
                    .statusCode(400)
                    .body("code", equalTo("BAD_REQUEST"))
                    .body("message", equalTo("body is not valid JSON of the expected shape"));
        }
    }

    @Test
    void onlyAdminsMayEmit() {
        Map<String, Object> body = Map.of("type", "broadcast", "event", "e");
        given().contentType(ContentType.JSON)
                .body(body)
                .post("/api/emit")
                .then()
                .statusCode(401)
                .body("code", equalTo("AUTH_REQUIRED"));
        given().auth()
                .oauth2("not.a.token")
                .contentType(ContentType.JSON)
                .body(body)
                .post("/api/emit")
                .then()
                .statusCode(401)
                .body("code", equalTo("AUTH_REQUIRED"));
        given().auth()
                .oauth2(Tokens.user("pleb"))
                .contentType(ContentType.JSON)
                .body(body)
                .post("/api/emit")
                .then()
                .statusCode(403)
                .body("code", equalTo("FORBIDDEN"));
    }
}
