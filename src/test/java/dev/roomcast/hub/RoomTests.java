package dev.roomcast.hub;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.roomcast.testing.ProtocolClient;
import dev.roomcast.testing.RedisCli;
import dev.roomcast.testing.ServicesResource;
import dev.roomcast.testing.Tokens;
import dev.roomcast.testing.Transport;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** PROTOCOL.md section 3: join and leave with per-room results, namespaces, the room limit, publish. */
@QuarkusTest
@WithTestResource(ServicesResource.class)
class RoomTests {

    @TestHTTPResource("/")
    URI base;

    @ParameterizedTest
    @EnumSource(Transport.class)
    void joinAnswersPerRoomInRequestOrderWithoutFailingTheOthers(Transport transport) {
        try (ProtocolClient client = transport.connect(base, Tokens.user("rita"))) {
            JsonNode ack = client.join(
                    "live:one",
                    "Bad Name",
                    "nope:x",
                    "user:someone-else",
                    "live:two",
                    "user:rita",
                    "client:" + client.clientId(),
                    "chat:general",
                    "live:one");
            JsonNode rooms = ack.path("data").path("rooms");
            assertEquals(9, rooms.size());
            assertJoined(rooms.get(0), "live:one");
            assertRefused(rooms.get(1), "Bad Name", "BAD_REQUEST");
            assertRefused(rooms.get(2), "nope:x", "NOT_FOUND");
            assertRefused(rooms.get(3), "user:someone-else", "FORBIDDEN");
            assertJoined(rooms.get(4), "live:two");
            assertJoined(rooms.get(5), "user:rita");
            assertJoined(rooms.get(6), "client:" + client.clientId());
            // No chat room exists until rooms are created over REST (the chat service).
            assertRefused(rooms.get(7), "chat:general", "NOT_FOUND");
            assertJoined(rooms.get(8), "live:one");
            assertEquals(
                    Map.of("room", "live:one", "joined", true).size(),
                    fieldCount(rooms.get(0)),
                    "a live room's result is {room, joined}: " + rooms.get(0));
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void joiningAnotherClientsRoomIsForbidden(Transport transport) {
        try (ProtocolClient one = transport.connect(base, Tokens.user("sam"));
                ProtocolClient two = transport.connect(base, Tokens.user("sam"))) {
            JsonNode result = one.join("client:" + two.clientId())
                    .path("data")
                    .path("rooms")
                    .get(0);
            assertRefused(result, "client:" + two.clientId(), "FORBIDDEN");
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void aJoinWithoutRoomsArrayIsRefusedAsAWhole(Transport transport) {
        try (ProtocolClient client = transport.connect(base, Tokens.user("tom"))) {
            JsonNode reply = client.request("join", Map.of("rooms", "live:a"));
            assertEquals("error", reply.path("event").asText());
            assertEquals("BAD_REQUEST", reply.path("data").path("code").asText());
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void joiningAgainSucceedsAgain(Transport transport) {
        try (ProtocolClient client = transport.connect(base, Tokens.user("uma"))) {
            assertJoined(client.join("live:again").path("data").path("rooms").get(0), "live:again");
            assertJoined(client.join("live:again").path("data").path("rooms").get(0), "live:again");
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void roomLimitRefusesTheRoomsOverItWithLimitExceeded(Transport transport) {
        try (ProtocolClient client = transport.connect(base, Tokens.user("victor"))) {
            JsonNode results = client.request("join", Map.of("rooms", numberedRooms("live:limit-", 100)))
                    .path("data")
                    .path("rooms");
            for (int i = 0; i < 100; i++) {
                assertTrue(
                        results.get(i).path("joined").asBoolean(),
                        results.get(i).toString());
            }
            results = client.requestPatiently("join", Map.of("rooms", List.of("live:limit-100", "user:victor")))
                    .path("data")
                    .path("rooms");
            assertRefused(results.get(0), "live:limit-100", "LIMIT_EXCEEDED");
            // Automatic rooms do not count toward the limit.
            assertJoined(results.get(1), "user:victor");
            JsonNode left = client.request("leave", Map.of("rooms", List.of("live:limit-0")))
                    .path("data")
                    .path("rooms");
            assertEquals("live:limit-0", left.get(0).asText());
            assertJoined(
                    client.requestPatiently("join", Map.of("rooms", List.of("live:limit-100")))
                            .path("data")
                            .path("rooms")
                            .get(0),
                    "live:limit-100");
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void aJoinOrLeaveNamingMoreRoomsThanTheLimitIsRefusedAsAWhole(Transport transport) {
        try (ProtocolClient client = transport.connect(base, Tokens.user("wanda"))) {
            List<String> tooMany = numberedRooms("live:whole-", 101);
            JsonNode join = client.request("join", Map.of("rooms", tooMany));
            assertEquals("error", join.path("event").asText(), join.toString());
            assertEquals("BAD_REQUEST", join.path("data").path("code").asText());
            JsonNode leave = client.request("leave", Map.of("rooms", tooMany));
            assertEquals("BAD_REQUEST", leave.path("data").path("code").asText(), leave.toString());
            assertEquals(
                    0,
                    client.request("leave", Map.of("rooms", List.of("live:whole-0")))
                            .path("data")
                            .path("rooms")
                            .size(),
                    "nothing of the refused join was executed");
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void aRefusedRoomTakesNoSlotUnderTheRoomLimit(Transport transport) {
        try (ProtocolClient client = transport.connect(base, Tokens.user("yara"))) {
            client.request("join", Map.of("rooms", numberedRooms("live:slot-", 99)));
            JsonNode results = client.requestPatiently(
                            "join", Map.of("rooms", List.of("chat:nowhere", "live:last-slot", "live:one-too-many")))
                    .path("data")
                    .path("rooms");
            assertRefused(results.get(0), "chat:nowhere", "NOT_FOUND");
            assertJoined(results.get(1), "live:last-slot");
            assertRefused(results.get(2), "live:one-too-many", "LIMIT_EXCEEDED");
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> RedisCli.subscribers("ws:room:live:one-too-many") == 0);
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void disconnectingLeavesEveryRoom(Transport transport) {
        try (ProtocolClient client = transport.connect(base, Tokens.user("zoe"))) {
            client.join("live:zoe-only", "live:zoe-too");
            assertEquals(1, RedisCli.subscribers("ws:room:live:zoe-only"));
        }
        await().atMost(Duration.ofSeconds(5))
                .until(() -> RedisCli.subscribers("ws:room:live:zoe-only") == 0
                        && RedisCli.subscribers("ws:room:live:zoe-too") == 0
                        && RedisCli.subscribers("ws:user:zoe") == 0);
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void leaveAcksTheRoomsActuallyLeftAndAutomaticRoomsCannotBeLeft(Transport transport) {
        try (ProtocolClient client = transport.connect(base, Tokens.user("wendy"))) {
            client.join("live:stay", "live:go");
            JsonNode ack =
                    client.request("leave", Map.of("rooms", List.of("live:go", "live:never-joined", "user:wendy")));
            assertEquals("ack", ack.path("event").asText());
            assertEquals(List.of("live:go"), texts(ack.path("data").path("rooms")));
            JsonNode malformed = client.request("leave", Map.of());
            assertEquals("BAD_REQUEST", malformed.path("data").path("code").asText());
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void publishReachesEveryOtherClientInTheRoomWithFromButNotTheSender(Transport transport) {
        try (ProtocolClient alice = transport.connect(base, Tokens.user("alice"));
                ProtocolClient aliceTab = transport.connect(base, Tokens.user("alice"));
                ProtocolClient bob = transport.connect(base, Tokens.user("bob"));
                ProtocolClient outsider = transport.connect(base, Tokens.user("zed"))) {
            alice.join("live:pub");
            aliceTab.join("live:pub");
            bob.join("live:pub");
            alice.send("{\"event\":\"publish\",\"id\":\"p1\",\"traceId\":\"tr-9\",\"data\":"
                    + "{\"room\":\"live:pub\",\"event\":\"cursor.moved\",\"data\":{\"x\":3}}}");
            JsonNode ack = alice.awaitReply("p1");
            assertEquals("ack", ack.path("event").asText());
            assertEquals("tr-9", ack.path("traceId").asText());
            for (ProtocolClient receiver : List.of(aliceTab, bob)) {
                JsonNode frame = receiver.awaitEvent("cursor.moved");
                assertEquals("live:pub", frame.path("room").asText());
                assertEquals(3, frame.path("data").path("x").asInt());
                assertEquals("alice", frame.path("from").path("userId").asText());
                assertEquals(
                        alice.clientId(), frame.path("from").path("clientId").asText());
                assertTrue(frame.path("offset").isMissingNode(), "ephemeral: no offset");
                assertEquals("tr-9", frame.path("traceId").asText(), "the trace id follows the deliveries");
            }
            alice.assertNothingBeforePong(
                    f -> "cursor.moved".equals(f.path("event").asText()), "its own publish");
            outsider.assertNothingBeforePong(
                    f -> "cursor.moved".equals(f.path("event").asText()), "a room it is not in");
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void publishIsRefusedOutsideTheRulesOfTheNamespace(Transport transport) {
        try (ProtocolClient client = transport.connect(base, Tokens.user("xena"))) {
            client.join("live:rules");
            assertEquals("FORBIDDEN", code(client.request("publish", Map.of("room", "live:not-joined", "event", "e"))));
            assertEquals("FORBIDDEN", code(client.request("publish", Map.of("room", "user:xena", "event", "e"))));
            assertEquals("BAD_REQUEST", code(client.request("publish", Map.of("room", "live:rules", "event", "ack"))));
            assertEquals(
                    "BAD_REQUEST", code(client.request("publish", Map.of("room", "live:rules", "event", "no spaces"))));
            assertEquals("BAD_REQUEST", code(client.request("publish", Map.of("room", "live:rules"))));
            assertEquals("NOT_FOUND", code(client.request("publish", Map.of("room", "ghost:rules", "event", "e"))));
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void afterLeavingAClientReceivesNothingFromTheRoom(Transport transport) {
        try (ProtocolClient speaker = transport.connect(base, Tokens.user("speaker"));
                ProtocolClient leaver = transport.connect(base, Tokens.user("leaver"))) {
            speaker.join("live:exit");
            leaver.join("live:exit");
            leaver.request("leave", Map.of("rooms", List.of("live:exit")));
            assertEquals(
                    "ack",
                    speaker.request("publish", Map.of("room", "live:exit", "event", "bye"))
                            .path("event")
                            .asText());
            leaver.assertNothingBeforePong(f -> "bye".equals(f.path("event").asText()), "an event of a room it left");
        }
    }

    static void assertJoined(JsonNode result, String room) {
        assertEquals(room, result.path("room").asText(), result.toString());
        assertTrue(result.path("joined").asBoolean(), result.toString());
        assertTrue(result.path("error").isMissingNode(), result.toString());
    }

    static void assertRefused(JsonNode result, String room, String code) {
        assertEquals(room, result.path("room").asText(), result.toString());
        assertFalse(result.path("joined").asBoolean(), result.toString());
        assertEquals(code, result.path("error").path("code").asText(), result.toString());
        assertFalse(result.path("error").path("message").asText().isEmpty(), result.toString());
    }

    private static List<String> numberedRooms(String prefix, int count) {
        List<String> rooms = new ArrayList<>(count + 1);
        for (int i = 0; i < count; i++) {
            rooms.add(prefix + i);
        }
        return rooms;
    }

    private static String code(JsonNode reply) {
        return reply.path("data").path("code").asText();
    }

    private static int fieldCount(JsonNode node) {
        return node.size();
    }

    private static List<String> texts(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(value -> values.add(value.asText()));
        return values;
    }
}
