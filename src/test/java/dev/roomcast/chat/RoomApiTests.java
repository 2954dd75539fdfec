package dev.roomcast.chat;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.roomcast.testing.ChatFixtures;
import dev.roomcast.testing.ServicesResource;
import dev.roomcast.testing.Tokens;
import dev.roomcast.testing.WsClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** PROTOCOL.md section 6 and 5.2: the REST API, its problem bodies, and the structural events it causes. */
@QuarkusTest
@WithTestResource(ServicesResource.class)
class RoomApiTests {

    @TestHTTPResource("/")
    URI base;

    private static RequestSpecification as(String user) {
        return given().auth().oauth2(Tokens.user(user)).contentType(ContentType.JSON);
    }

    @Test
    void createReadListAndRefuse() {
        String room = ChatFixtures.newRoomName("api");
        as("olga")
                .body(Map.of("room", room, "title", "Plans"))
                .post("/api/rooms")
                .then()
                .statusCode(201)
                .body("room", equalTo(room))
                .body("title", equalTo("Plans"))
                .body("owner", equalTo("olga"))
                .body("epoch", notNullValue())
                .body("lastOffset", equalTo(0));
        as("olga")
                .body(Map.of("room", room))
                .post("/api/rooms")
                .then()
                .statusCode(409)
                .body("code", equalTo("CONFLICT"));
        as("olga")
                .body(Map.of("room", "live:not-chat"))
                .post("/api/rooms")
                .then()
                .statusCode(400)
                .body("code", equalTo("BAD_REQUEST"));
        as("olga")
                .body(Map.of("room", "chat:bad name"))
                .post("/api/rooms")
                .then()
                .statusCode(400);
        as("olga").get("/api/rooms/" + room).then().statusCode(200).body("owner", equalTo("olga"));
        as("outsider").get("/api/rooms/" + room).then().statusCode(403).body("code", equalTo("FORBIDDEN"));
        as("olga").get("/api/rooms/chat:never-was").then().statusCode(404).body("code", equalTo("NOT_FOUND"));
        as("olga")
                .get("/api/rooms")
                .then()
                .statusCode(200)
                .body("items.room", hasItem(room))
                .body("items.find { it.room == '" + room + "' }.unread", equalTo(0));
        given().get("/api/rooms").then().statusCode(401).body("code", equalTo("AUTH_REQUIRED"));
    }

    @Test
    void historyPagesAscendByOffsetInEveryDirection() {
        String room = ChatFixtures.room(base, "paula", "pages");
        List<Long> ids = new ArrayList<>();
        for (int i = 1; i <= 7; i++) {
            JsonNode created = as("paula")
                    .body(Map.of("text", "m" + i, "clientMsgId", room + i))
                    .post("/api/rooms/" + room + "/messages")
                    .then()
                    .statusCode(201)
                    .extract()
                    .as(JsonNode.class);
            ids.add(created.path("message").path("id").asLong());
        }
        as("paula")
                .body(Map.of("text", "m1 again", "clientMsgId", room + 1))
                .post("/api/rooms/" + room + "/messages")
                .then()
                .statusCode(200)
                .body("message.id", equalTo(ids.get(0).intValue()));
        assertOffsets(page(room, "limit=3"), List.of(5L, 6L, 7L), true);
        assertOffsets(page(room, "before=5&limit=3"), List.of(2L, 3L, 4L), true);
        assertOffsets(page(room, "before=3&limit=3"), List.of(1L, 2L), false);
        assertOffsets(page(room, "after=2&limit=3"), List.of(3L, 4L, 5L), true);
        assertOffsets(page(room, "after=5&limit=3"), List.of(6L, 7L), false);
        assertOffsets(page(room, ""), List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L), false);
        for (String bad : List.of("limit=0", "limit=201", "before=1&after=2", "limit=x")) {
            as("paula")
                    .get("/api/rooms/" + room + "/messages?" + bad)
                    .then()
                    .statusCode(400)
                    .body("code", equalTo("BAD_REQUEST"));
        }
        as("stranger").get("/api/rooms/" + room + "/messages").then().statusCode(403);

        long parent = ids.get(0);
        as("paula")
                .body(Map.of("text", "r1", "clientMsgId", room + "r1", "threadId", parent))
                .post("/api/rooms/" + room + "/messages")
                .then()
                .statusCode(201);
        as("paula")
                .body(Map.of("text", "r2", "clientMsgId", room + "r2", "threadId", parent))
                .post("/api/rooms/" + room + "/messages")
                .then()
                .statusCode(201);
        JsonNode thread = as("paula")
                .get("/api/rooms/" + room + "/messages/" + parent + "/thread")
                .then()
                .statusCode(200)
                .extract()
                .as(JsonNode.class);
        assertEquals(List.of("r1", "r2"), texts(thread.path("items")));
        JsonNode top = page(room, "limit=200");
        assertEquals(2, top.path("items").get(0).path("replyCount").asInt(), "the parent counts its replies");
        assertEquals(
                parent,
                top.path("items")
                        .get(top.path("items").size() - 1)
                        .path("threadId")
                        .asLong(),
                "replies are in the history, with their threadId");
        as("paula")
                .get("/api/rooms/" + room + "/messages/999999999/thread")
                .then()
                .statusCode(404);
    }

    @Test
    void updatesAndDeletesAreSignalledToTheRoomAndNeedTheOwnerOrAnAdmin() {
        String room = ChatFixtures.room(base, "quinn", "signals", "rosa");
        try (WsClient rosa = WsClient.withBearer(base, Tokens.user("rosa"))) {
            rosa.join(room);
            as("rosa")
                    .body(Map.of("title", "mine now"))
                    .patch("/api/rooms/" + room)
                    .then()
                    .statusCode(403);
            as("quinn")
                    .body(Map.of("title", "Renamed"))
                    .patch("/api/rooms/" + room)
                    .then()
                    .statusCode(200)
                    .body("title", equalTo("Renamed"))
                    .body("lastOffset", equalTo(1));
            JsonNode updated = rosa.awaitEvent("room.updated");
            assertEquals(room, updated.path("data").path("room").asText());
            assertEquals(1, updated.path("offset").asLong());

            as("rosa").delete("/api/rooms/" + room).then().statusCode(403);
            given().auth()
                    .oauth2(Tokens.admin("root"))
                    .delete("/api/rooms/" + room)
                    .then()
                    .statusCode(204);
            JsonNode deleted = rosa.awaitEvent("room.deleted");
            assertEquals(2, deleted.path("offset").asLong());
            JsonNode after = rosa.request("message.send", Map.of("room", room, "text", "anyone?", "clientMsgId", "x"));
            assertEquals("NOT_FOUND", after.path("data").path("code").asText(), "the room is gone and rosa left it");
            as("quinn").get("/api/rooms/" + room).then().statusCode(404);
        }
    }

    @Test
    void addingKickingBanningAndLeavingReachTheUsersSessionsEverywhere() {
        String room = ChatFixtures.room(base, "sara", "members");
        try (WsClient tom = WsClient.withBearer(base, Tokens.user("tom"));
                WsClient tomTab = WsClient.withBearer(base, Tokens.user("tom"));
                WsClient sara = WsClient.withBearer(base, Tokens.user("sara"))) {
            as("tom").put("/api/rooms/" + room + "/members/tom").then().statusCode(403);
            as("sara").put("/api/rooms/" + room + "/members/tom").then().statusCode(204);
            for (WsClient tab : List.of(tom, tomTab)) {
                assertEquals(
                        room,
                        tab.awaitEvent("member.added").path("data").path("room").asText());
            }
            tom.join(room);
            tomTab.join(room);
            sara.join(room);

            as("sara").delete("/api/rooms/" + room + "/members/tom").then().statusCode(204);
            for (WsClient tab : List.of(tom, tomTab)) {
                JsonNode removed = tab.awaitEvent("member.removed");
                assertEquals(room, removed.path("data").path("room").asText());
                assertEquals("kicked", removed.path("data").path("reason").asText());
            }
            ChatFixtures.send(sara, room, "after the kick");
            tom.assertNothingBeforePong(
                    f -> "message.created".equals(f.path("event").asText()), "a message of a room it was kicked from");
            assertEquals(
                    "FORBIDDEN",
                    tom.request("message.send", Map.of("room", room, "text", "x", "clientMsgId", "y"))
                            .path("data")
                            .path("code")
                            .asText());

            as("sara").put("/api/rooms/" + room + "/members/tom").then().statusCode(204);
            tom.join(room);
            given().auth()
                    .oauth2(Tokens.user("sara"))
                    .post("/api/rooms/" + room + "/bans/tom")
                    .then()
                    .statusCode(204);
            assertEquals(
                    "banned",
                    tom.awaitEvent("member.removed").path("data").path("reason").asText());
            JsonNode rejoin = tom.join(room).path("data").path("rooms").get(0);
            assertEquals("FORBIDDEN", rejoin.path("error").path("code").asText());
            as("sara")
                    .put("/api/rooms/" + room + "/members/tom")
                    .then()
                    .statusCode(403)
                    .body("code", equalTo("FORBIDDEN"));
            as("sara").get("/api/rooms").then().body("items.room", hasItem(room));
            as("tom").get("/api/rooms").then().body("items.room", not(hasItem(room)));
            given().auth()
                    .oauth2(Tokens.user("sara"))
                    .delete("/api/rooms/" + room + "/bans/tom")
                    .then()
                    .statusCode(204);
            as("sara").put("/api/rooms/" + room + "/members/tom").then().statusCode(204);

            as("tom").delete("/api/rooms/" + room + "/members/tom").then().statusCode(204);
            assertEquals(
                    "left",
                    tom.awaitEvent("member.removed").path("data").path("reason").asText());
            as("tom").delete("/api/rooms/" + room + "/members/sara").then().statusCode(403);
            as("sara").delete("/api/rooms/" + room + "/members/nobody").then().statusCode(404);
        }
    }

    @Test
    void threadRepliesArePaged() {
        String room = ChatFixtures.room(base, "tess", "thread-pages");
        long parent;
        try (WsClient tess = WsClient.withBearer(base, Tokens.user("tess"))) {
            tess.join(room);
            parent = ChatFixtures.send(tess, room, "parent").path("id").asLong();
            for (int i = 0; i < 5; i++) {
                JsonNode ack = tess.request(
                        "message.send",
                        Map.of("room", room, "text", "reply " + i, "clientMsgId", "t-" + i, "threadId", parent));
                assertEquals("ack", ack.path("event").asText(), ack.toString());
            }
        }
        String thread = "/api/rooms/" + room + "/messages/" + parent + "/thread";
        JsonNode first = as("tess")
                .get(thread + "?limit=2")
                .then()
                .statusCode(200)
                .extract()
                .as(JsonNode.class);
        assertEquals(List.of("reply 0", "reply 1"), texts(first.path("items")));
        assertTrue(first.path("hasMore").asBoolean());
        long after = first.path("items").get(1).path("offset").asLong();
        JsonNode second = as("tess")
                .get(thread + "?limit=2&after=" + after)
                .then()
                .statusCode(200)
                .extract()
                .as(JsonNode.class);
        assertEquals(List.of("reply 2", "reply 3"), texts(second.path("items")));
        after = second.path("items").get(1).path("offset").asLong();
        JsonNode last = as("tess")
                .get(thread + "?after=" + after)
                .then()
                .statusCode(200)
                .extract()
                .as(JsonNode.class);
        assertEquals(List.of("reply 4"), texts(last.path("items")));
        assertFalse(last.path("hasMore").asBoolean());
        as("tess").get(thread + "?limit=201").then().statusCode(400).body("code", equalTo("BAD_REQUEST"));
        as("tess").get(thread + "?after=x").then().statusCode(400);
    }

    @Test
    void aBanNeverAppliesToAnAdmin() {
        String room = ChatFixtures.room(base, "vera", "admin-ban", "wade");
        try (WsClient admin = WsClient.withBearer(base, Tokens.admin("wade"));
                WsClient vera = WsClient.withBearer(base, Tokens.user("vera"))) {
            given().auth()
                    .oauth2(Tokens.user("vera"))
                    .post("/api/rooms/" + room + "/bans/wade")
                    .then()
                    .statusCode(204);
            JsonNode joined = admin.join(room).path("data").path("rooms").get(0);
            assertTrue(joined.path("joined").asBoolean(), "an admin joins a room it was banned from: " + joined);
            vera.join(room);
            given().auth()
                    .oauth2(Tokens.user("vera"))
                    .delete("/api/rooms/" + room + "/bans/wade")
                    .then()
                    .statusCode(204);
            given().auth()
                    .oauth2(Tokens.user("vera"))
                    .post("/api/rooms/" + room + "/bans/wade")
                    .then()
                    .statusCode(204);
            assertEquals(
                    "banned",
                    admin.awaitEvent("member.removed")
                            .path("data")
                            .path("reason")
                            .asText());
            ChatFixtures.send(vera, room, "still here?");
            assertEquals(
                    "still here?",
                    admin.awaitEvent("message.created")
                            .path("data")
                            .path("message")
                            .path("text")
                            .asText(),
                    "a ban does not remove an admin's session either");
            given().auth()
                    .oauth2(Tokens.admin("wade"))
                    .get("/api/rooms/" + room + "/messages")
                    .then()
                    .statusCode(200);
        }
    }

    private JsonNode page(String room, String query) {
        return as("paula")
                .get("/api/rooms/" + room + "/messages" + (query.isEmpty() ? "" : "?" + query))
                .then()
                .statusCode(200)
                .extract()
                .as(JsonNode.class);
    }

    private static void assertOffsets(JsonNode page, List<Long> offsets, boolean hasMore) {
        List<Long> found = new ArrayList<>();
        page.path("items").forEach(item -> found.add(item.path("offset").asLong()));
        assertEquals(offsets, found, page.toString());
        assertEquals(hasMore, page.path("hasMore").asBoolean(), page.toString());
        assertFalse(page.path("items").isEmpty() && hasMore);
        assertTrue(page.has("hasMore"));
    }

    private static List<String> texts(JsonNode items) {
        List<String> texts = new ArrayList<>();
        items.forEach(item -> texts.add(item.path("text").asText()));
        return texts;
    }
}
