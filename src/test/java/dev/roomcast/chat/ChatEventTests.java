package dev.roomcast.chat;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.roomcast.testing.ChatFixtures;
import dev.roomcast.testing.ProtocolClient;
import dev.roomcast.testing.ServicesResource;
import dev.roomcast.testing.Tokens;
import dev.roomcast.testing.Transport;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** PROTOCOL.md 5.1: every chat event with its authorization rule, its broadcast and its refusals. */
@QuarkusTest
@WithTestResource(ServicesResource.class)
class ChatEventTests {

    @TestHTTPResource("/")
    URI base;

    private static String code(JsonNode reply) {
        return reply.path("data").path("code").asText();
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void joiningAChatRoomAcksItsPositionAndMembershipIsRequired(Transport transport) {
        String room = ChatFixtures.room(base, "owner1", "position", "member1");
        try (ProtocolClient member = transport.connect(base, Tokens.user("member1"));
                ProtocolClient stranger = transport.connect(base, Tokens.user("stranger1"))) {
            JsonNode result = member.join(room).path("data").path("rooms").get(0);
            assertTrue(result.path("joined").asBoolean(), result.toString());
            assertEquals(0, result.path("offset").asLong());
            assertFalse(result.path("epoch").asText().isEmpty());
            assertFalse(result.path("recovered").asBoolean());
            assertEquals(0, result.path("missed").asInt());
            JsonNode refused =
                    stranger.join(room, "chat:no-such-room").path("data").path("rooms");
            assertEquals("FORBIDDEN", refused.get(0).path("error").path("code").asText());
            assertEquals("NOT_FOUND", refused.get(1).path("error").path("code").asText());
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void sendBroadcastsACompleteMessageWithItsOffsetToEveryClientIncludingTheSendersOwn(Transport transport) {
        String room = ChatFixtures.room(base, "alice", "send", "bob");
        try (ProtocolClient alice = transport.connect(base, Tokens.user("alice"));
                ProtocolClient aliceTab = transport.connect(base, Tokens.user("alice"));
                ProtocolClient bob = transport.connect(base, Tokens.user("bob"))) {
            alice.join(room);
            aliceTab.join(room);
            bob.join(room);
            JsonNode ack =
                    alice.request("message.send", Map.of("room", room, "text", "  hello  ", "clientMsgId", "c-1"));
            JsonNode message = ack.path("data").path("message");
            assertEquals("hello", message.path("text").asText(), "trimmed");
            for (String field : List.of(
                    "id",
                    "room",
                    "offset",
                    "userId",
                    "text",
                    "clientMsgId",
                    "threadId",
                    "createdAt",
                    "editedAt",
                    "deleted",
                    "pinned",
                    "reactions",
                    "replyCount")) {
                assertTrue(message.has(field), "message." + field + " in " + message);
            }
            assertEquals(1, message.path("offset").asLong());
            for (ProtocolClient client : List.of(alice, aliceTab, bob)) {
                JsonNode created = client.awaitEvent("message.created");
                assertEquals(room, created.path("room").asText());
                assertEquals(1, created.path("offset").asLong());
                assertEquals(message, created.path("data").path("message"));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void aRepeatedClientMsgIdReturnsTheOriginalAndBroadcastsNothing(Transport transport) {
        String room = ChatFixtures.room(base, "carl", "idem", "dina");
        try (ProtocolClient carl = transport.connect(base, Tokens.user("carl"));
                ProtocolClient dina = transport.connect(base, Tokens.user("dina"))) {
            carl.join(room);
            dina.join(room);
            JsonNode first = carl.request("message.send", Map.of("room", room, "text", "once", "clientMsgId", "same"))
                    .path("data")
                    .path("message");
            JsonNode again = carl.request(
                            "message.send", Map.of("room", room, "text", "once more", "clientMsgId", "same"))
                    .path("data")
                    .path("message");
            assertEquals(first.path("id"), again.path("id"));
            assertEquals("once", again.path("text").asText());
            dina.awaitEvent("message.created");
            ChatFixtures.send(carl, room, "marker");
            JsonNode next = dina.awaitEvent("message.created");
            assertEquals(
                    "marker", next.path("data").path("message").path("text").asText(), "no second message.created");
            assertEquals(2, next.path("offset").asLong(), "the repeat took no offset");
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void theSameClientMsgIdInAnotherRoomIsANewMessage(Transport transport) {
        String first = ChatFixtures.room(base, "paul", "idem-a");
        String second = ChatFixtures.room(base, "paul", "idem-b");
        try (ProtocolClient paul = transport.connect(base, Tokens.user("paul"))) {
            paul.join(first, second);
            JsonNode one = paul.request("message.send", Map.of("room", first, "text", "in a", "clientMsgId", "shared"))
                    .path("data")
                    .path("message");
            JsonNode other = paul.request(
                            "message.send", Map.of("room", second, "text", "in b", "clientMsgId", "shared"))
                    .path("data")
                    .path("message");
            assertNotEquals(one.path("id"), other.path("id"));
            assertEquals(second, other.path("room").asText());
            assertEquals("in b", other.path("text").asText());
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void repliesUpdateTheThreadAndEditsDeletesReactionsAndPinsFollowTheirRules(Transport transport) {
        String room = ChatFixtures.room(base, "erin", "rules", "finn");
        try (ProtocolClient erin = transport.connect(base, Tokens.user("erin"));
                ProtocolClient finn = transport.connect(base, Tokens.user("finn"))) {
            erin.join(room);
            finn.join(room);
            JsonNode parent = ChatFixtures.send(erin, room, "topic");
            long parentId = parent.path("id").asLong();
            JsonNode reply = finn.request(
                            "message.send",
                            Map.of("room", room, "text", "reply", "clientMsgId", "r-1", "threadId", parentId))
                    .path("data")
                    .path("message");
            assertEquals(parentId, reply.path("threadId").asLong());
            JsonNode thread = erin.awaitEvent("thread.updated");
            assertEquals(parentId, thread.path("data").path("messageId").asLong());
            assertEquals(1, thread.path("data").path("replyCount").asInt());
            assertEquals(3, thread.path("offset").asLong());

            assertEquals(
                    "FORBIDDEN", code(finn.request("message.edit", Map.of("messageId", parentId, "text", "hijack"))));
            JsonNode edited = erin.request("message.edit", Map.of("messageId", parentId, "text", "topic v2"));
            assertEquals(
                    "topic v2", edited.path("data").path("message").path("text").asText());
            JsonNode updated = finn.awaitEvent("message.updated").path("data").path("message");
            assertEquals("topic v2", updated.path("text").asText());
            assertNotNull(updated.path("editedAt").asText(null));

            finn.request("reaction.add", Map.of("messageId", parentId, "emoji", "👍"));
            JsonNode second = erin.request("reaction.add", Map.of("messageId", parentId, "emoji", "👍"));
            assertEquals(2, second.path("data").path("count").asInt());
            JsonNode added = finn.awaitEvent("reaction.added");
            assertEquals("👍", added.path("data").path("emoji").asText());
            assertEquals("finn", added.path("data").path("userId").asText());
            JsonNode removed = finn.request("reaction.remove", Map.of("messageId", parentId, "emoji", "👍"));
            assertEquals(1, removed.path("data").path("count").asInt());

            finn.request("message.pin", Map.of("messageId", parentId));
            assertEquals(
                    parentId,
                    erin.awaitEvent("message.pinned")
                            .path("data")
                            .path("messageId")
                            .asLong());
            finn.request("message.unpin", Map.of("messageId", parentId));
            erin.awaitEvent("message.unpinned");

            assertEquals("FORBIDDEN", code(finn.request("message.delete", Map.of("messageId", parentId))));
            erin.request("message.delete", Map.of("messageId", parentId));
            assertEquals(
                    parentId,
                    finn.awaitEvent("message.deleted")
                            .path("data")
                            .path("messageId")
                            .asLong());
            assertEquals(
                    "NOT_FOUND", code(erin.request("message.edit", Map.of("messageId", parentId, "text", "gone?"))));

            JsonNode page = given().auth()
                    .oauth2(Tokens.user("finn"))
                    .get("/api/rooms/" + room + "/messages")
                    .then()
                    .statusCode(200)
                    .extract()
                    .as(JsonNode.class);
            JsonNode deleted = page.path("items").get(0);
            assertTrue(deleted.path("deleted").asBoolean());
            assertEquals("", deleted.path("text").asText());
            assertEquals(1, deleted.path("reactions").path("👍").asInt());
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void anAdminMayDeleteAnyonesMessage(Transport transport) {
        String room = ChatFixtures.room(base, "gail", "moderated", "mod");
        try (ProtocolClient gail = transport.connect(base, Tokens.user("gail"));
                ProtocolClient mod = transport.connect(base, Tokens.admin("mod"))) {
            gail.join(room);
            mod.join(room);
            long id = ChatFixtures.send(gail, room, "oops").path("id").asLong();
            assertEquals(
                    "ack",
                    mod.request("message.delete", Map.of("messageId", id))
                            .path("event")
                            .asText());
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void refusalsForRoomsNotJoinedMissingOrMalformedInput(Transport transport) {
        String room = ChatFixtures.room(base, "hana", "refusals");
        try (ProtocolClient hana = transport.connect(base, Tokens.user("hana"))) {
            assertEquals(
                    "FORBIDDEN",
                    code(hana.request("message.send", Map.of("room", room, "text", "x", "clientMsgId", "a"))));
            assertEquals(
                    "NOT_FOUND",
                    code(hana.request(
                            "message.send",
                            Map.of("room", "chat:nowhere-to-be-found", "text", "x", "clientMsgId", "a"))));
            hana.join(room);
            assertEquals(
                    "BAD_REQUEST",
                    code(hana.request("message.send", Map.of("room", room, "text", "   ", "clientMsgId", "b"))));
            assertEquals(
                    "BAD_REQUEST",
                    code(hana.request(
                            "message.send", Map.of("room", room, "text", "x".repeat(4001), "clientMsgId", "c"))));
            assertEquals(
                    "ack",
                    hana.request("message.send", Map.of("room", room, "text", "😀".repeat(4000), "clientMsgId", "d"))
                            .path("event")
                            .asText(),
                    "4000 code points fit, even as surrogate pairs");
            assertEquals("BAD_REQUEST", code(hana.request("message.send", Map.of("room", room, "text", "x"))));
            assertEquals("NOT_FOUND", code(hana.request("message.edit", Map.of("messageId", 999999999, "text", "x"))));
            assertEquals(
                    "FORBIDDEN",
                    code(hana.request("message.send", Map.of("room", "live:lobby", "text", "x", "clientMsgId", "e"))));
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void typingReachesTheOtherClientsOnlyAndReadUpdatesTheUsersSessions(Transport transport) {
        String room = ChatFixtures.room(base, "ivan", "typing", "jade");
        try (ProtocolClient ivan = transport.connect(base, Tokens.user("ivan"));
                ProtocolClient jade = transport.connect(base, Tokens.user("jade"));
                ProtocolClient jadeTab = transport.connect(base, Tokens.user("jade"))) {
            ivan.join(room);
            jade.join(room);
            ivan.request("typing", Map.of("room", room, "isTyping", true));
            JsonNode typing = jade.awaitEvent("typing");
            assertEquals(room, typing.path("room").asText());
            assertEquals("ivan", typing.path("data").path("userId").asText());
            assertTrue(typing.path("data").path("isTyping").asBoolean());
            assertTrue(typing.path("offset").isMissingNode());
            ivan.assertNothingBeforePong(f -> "typing".equals(f.path("event").asText()), "its own typing");

            ChatFixtures.send(ivan, room, "one");
            ChatFixtures.send(ivan, room, "two");
            JsonNode read = jade.request("read", Map.of("room", room, "offset", 1));
            assertEquals(1, read.path("data").path("offset").asLong());
            assertEquals(1, read.path("data").path("unread").asLong());
            for (ProtocolClient tab : List.of(jade, jadeTab)) {
                JsonNode updated = tab.awaitEvent("read.updated");
                assertEquals(room, updated.path("data").path("room").asText());
                assertEquals(1, updated.path("data").path("unread").asLong());
                assertTrue(updated.path("room").isMissingNode(), "a user delivery");
            }
            given().auth()
                    .oauth2(Tokens.user("jade"))
                    .get("/api/rooms")
                    .then()
                    .statusCode(200)
                    .body("items.find { it.room == '" + room + "' }.unread", equalTo(1));
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void mentionsNotifyMembersOnlineAndAreStoredForLater(Transport transport) {
        String room = ChatFixtures.room(base, "kate", "mentions", "liam", "mia");
        try (ProtocolClient kate = transport.connect(base, Tokens.user("kate"));
                ProtocolClient liam = transport.connect(base, Tokens.user("liam"))) {
            kate.join(room);
            long id = ChatFixtures.send(kate, room, "@liam and @mia. and @kate and @outsider look")
                    .path("id")
                    .asLong();
            JsonNode notification = liam.awaitEvent("notification");
            assertEquals("mention", notification.path("data").path("type").asText());
            assertEquals(room, notification.path("data").path("room").asText());
            assertEquals(id, notification.path("data").path("messageId").asLong());
            assertEquals("kate", notification.path("data").path("from").asText());
        }
        JsonNode stored = given().auth()
                .oauth2(Tokens.user("mia"))
                .get("/api/notifications?unread=true")
                .then()
                .statusCode(200)
                .extract()
                .as(JsonNode.class)
                .path("items");
        assertEquals(1, stored.size(), "mia (offline, trailing dot) was notified once: " + stored);
        long notificationId = stored.get(0).path("id").asLong();
        given().auth()
                .oauth2(Tokens.user("kate"))
                .post("/api/notifications/" + notificationId + "/read")
                .then()
                .statusCode(404);
        given().auth()
                .oauth2(Tokens.user("mia"))
                .post("/api/notifications/" + notificationId + "/read")
                .then()
                .statusCode(204);
        given().auth()
                .oauth2(Tokens.user("mia"))
                .get("/api/notifications?unread=true")
                .then()
                .statusCode(200)
                .body("items.size()", equalTo(0));
        given().auth()
                .oauth2(Tokens.user("kate"))
                .get("/api/notifications")
                .then()
                .statusCode(200)
                .body("items.size()", equalTo(0));
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void aMessageMentioningOnlyNonMembersIsSentAndItsRetryReturnsIt(Transport transport) {
        String room = ChatFixtures.room(base, "noah", "non-members", "olga");
        try (ProtocolClient noah = transport.connect(base, Tokens.user("noah"));
                ProtocolClient olga = transport.connect(base, Tokens.user("olga"))) {
            noah.join(room);
            olga.join(room);
            JsonNode first =
                    noah.request("message.send", Map.of("room", room, "text", "hi @nobody", "clientMsgId", "m-1"));
            assertEquals("ack", first.path("event").asText(), first.toString());
            JsonNode retry =
                    noah.request("message.send", Map.of("room", room, "text", "hi @nobody", "clientMsgId", "m-1"));
            assertEquals(
                    first.path("data").path("message").path("id"),
                    retry.path("data").path("message").path("id"));
            assertEquals(
                    "ack",
                    noah.request("message.send", Map.of("room", room, "text", "@here everyone", "clientMsgId", "m-2"))
                            .path("event")
                            .asText());
            assertEquals(
                    "hi @nobody",
                    olga.awaitEvent("message.created")
                            .path("data")
                            .path("message")
                            .path("text")
                            .asText());
            assertEquals(
                    "@here everyone",
                    olga.awaitEvent("message.created")
                            .path("data")
                            .path("message")
                            .path("text")
                            .asText());
        }
        given().auth()
                .oauth2(Tokens.user("noah"))
                .contentType("application/json")
                .body(Map.of("text", "over REST, @nobody", "clientMsgId", "m-3"))
                .post("/api/rooms/" + room + "/messages")
                .then()
                .statusCode(201);
        given().auth()
                .oauth2(Tokens.user("nobody"))
                .get("/api/notifications")
                .then()
                .statusCode(200)
                .body("items.size()", equalTo(0));
    }
}
