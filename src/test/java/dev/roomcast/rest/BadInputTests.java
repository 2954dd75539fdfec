package dev.roomcast.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.roomcast.testing.ChatFixtures;
import dev.roomcast.testing.ServicesResource;
import dev.roomcast.testing.Tokens;
import dev.roomcast.testing.WsClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import java.net.URI;
import java.util.Collections;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * PROTOCOL.md sections 1, 6 and 9: strings with control characters (tab and newline allowed in message text only),
 * identifiers over their length and malformed trace ids are {@code BAD_REQUEST}, over HTTP and WebSocket alike, never
 * a 500 from deeper down (PostgreSQL refuses NUL in text; a newline in a trace id would forge a log line).
 */
@QuarkusTest
@WithTestResource(ServicesResource.class)
class BadInputTests {

    @TestHTTPResource("/")
    URI base;

    private static RequestSpecification as(String user) {
        return given().auth().oauth2(Tokens.user(user)).contentType("application/json");
    }

    @Test
    void controlCharactersInBodiesAre400() {
        as("strict")
                .body(Map.of("room", ChatFixtures.newRoomName("nul"), "title", "a\u0000b"))
                .post("/api/rooms")
                .then()
                .statusCode(400)
                .body("code", equalTo("BAD_REQUEST"));
        String room = ChatFixtures.room(base, "strict", "bodies");
        as("strict")
                .body(Map.of("title", "two\nlines"))
                .patch("/api/rooms/" + room)
                .then()
                .statusCode(400);
        as("strict")
                .body(Map.of("text", "nul\u0000", "clientMsgId", "b-1"))
                .post("/api/rooms/" + room + "/messages")
                .then()
                .statusCode(400)
                .body("code", equalTo("BAD_REQUEST"));
        as("strict")
                .body(Map.of("text", "carriage\rreturn", "clientMsgId", "b-2"))
                .post("/api/rooms/" + room + "/messages")
                .then()
                .statusCode(400);
        as("strict")
                .body(Map.of("text", "ok", "clientMsgId", "bell\u0007"))
                .post("/api/rooms/" + room + "/messages")
                .then()
                .statusCode(400);
        as("strict")
                .body(Map.of("text", "tab\tand\nnewline", "clientMsgId", "b-3"))
                .post("/api/rooms/" + room + "/messages")
                .then()
                .statusCode(201)
                .body("message.text", equalTo("tab\tand\nnewline"));
        given().auth()
                .oauth2(Tokens.admin("strict-ops"))
                .contentType("application/json")
                .body(Map.of("type", "user", "target", "nul\u0000", "event", "x"))
                .post("/api/emit")
                .then()
                .statusCode(400);
        given().auth()
                .oauth2(Tokens.admin("strict-ops"))
                .contentType("application/json")
                .body(Map.of("type", "broadcast", "event", "x", "exclude", Collections.nCopies(1001, "a.1")))
                .post("/api/emit")
                .then()
                .statusCode(400);
    }

    @Test
    void malformedOrOverlongPathIdentifiersAre400() {
        String room = ChatFixtures.room(base, "strict", "paths");
        as("strict")
                .get("/api/rooms/chat:" + "r".repeat(124))
                .then()
                .statusCode(400)
                .body("code", equalTo("BAD_REQUEST"));
        as("strict").get("/api/rooms/not-a-room").then().statusCode(400);
        as("strict")
                .put("/api/rooms/" + room + "/members/" + "u".repeat(256))
                .then()
                .statusCode(400);
        as("strict")
                .pathParam("room", room)
                .pathParam("user", "   ")
                .put("/api/rooms/{room}/members/{user}")
                .then()
                .statusCode(400);
        as("strict")
                .pathParam("room", room)
                .pathParam("user", "tab\tuser")
                .put("/api/rooms/{room}/members/{user}")
                .then()
                .statusCode(400);
        as("strict").get("/api/rooms/" + room + "/messages/abc/thread").then().statusCode(400);
        as("strict")
                .get("/api/rooms/" + room + "/messages/99999999999999999999/thread")
                .then()
                .statusCode(400);
        as("strict").post("/api/notifications/-1/read").then().statusCode(400);
        as("strict").get("/api/users/" + "u".repeat(256) + "/presence").then().statusCode(400);
        as("strict")
                .get("/api/rooms/" + room + "/messages?limit=99999999999999999999")
                .then()
                .statusCode(400);
    }

    @Test
    void controlCharactersAndBadTraceIdsOverWebSocketAreBadRequest() {
        String room = ChatFixtures.room(base, "strict-ws", "frames");
        try (WsClient client = WsClient.withBearer(base, Tokens.user("strict-ws"))) {
            client.join(room);
            assertEquals(
                    "BAD_REQUEST",
                    code(client.request(
                            "message.send", Map.of("room", room, "text", "a\u0000", "clientMsgId", "w-1"))));
            long id = ChatFixtures.send(client, room, "fine").path("id").asLong();
            assertEquals(
                    "BAD_REQUEST", code(client.request("reaction.add", Map.of("messageId", id, "emoji", "\u0001"))));
            client.send("{\"event\":\"ping\",\"id\":\"t1\",\"traceId\":\"a\\nforged log line\"}");
            JsonNode newline = client.awaitReply("t1");
            assertEquals("BAD_REQUEST", code(newline));
            client.send("{\"event\":\"ping\",\"id\":\"t2\",\"traceId\":\"" + "t".repeat(65) + "\"}");
            assertEquals("BAD_REQUEST", code(client.awaitReply("t2")));
            client.send("{\"event\":\"ping\",\"id\":\"t3\",\"traceId\":\"svc/req:42_a.b-c\"}");
            JsonNode pong = client.awaitReply("t3");
            assertEquals("pong", pong.path("event").asText());
            assertEquals("svc/req:42_a.b-c", pong.path("traceId").asText());
        }
    }

    private static String code(JsonNode reply) {
        return reply.path("data").path("code").asText();
    }
}
