package dev.roomcast.chat;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Changes that arrive at the same moment: two creations of one room, repeated adds of one member, read positions
 * sent from several tabs at once, and one join frame naming several chat rooms (each read in turn on the frame's
 * database session). Each ends as if the changes had come one after the other.
 */
@QuarkusTest
@WithTestResource(ServicesResource.class)
class ConcurrentChangeTests {

    private static final int AT_ONCE = 8;
    private static final int TOGGLES = 25;
    private static final int REACTERS = 16;

    @TestHTTPResource("/")
    URI base;

    @Test
    void concurrentCreationsOfOneRoomMakeOneRoomAndConflicts() throws Exception {
        String room = ChatFixtures.newRoomName("race");
        List<Integer> statuses = atOnce(() -> given().baseUri(base.toString())
                .auth()
                .oauth2(Tokens.user("racer"))
                .contentType(ContentType.JSON)
                .body(Map.of("room", room))
                .post("/api/rooms")
                .statusCode());
        assertEquals(1, Collections.frequency(statuses, 201), statuses.toString());
        assertEquals(AT_ONCE - 1, Collections.frequency(statuses, 409), statuses.toString());
    }

    @Test
    void repeatedAddsOfOneMemberAddItOnce() throws Exception {
        String room = ChatFixtures.room(base, "racer", "adds");
        try (WsClient joiner = WsClient.withBearer(base, Tokens.user("added-once"))) {
            List<Integer> statuses = atOnce(() -> given().baseUri(base.toString())
                    .auth()
                    .oauth2(Tokens.user("racer"))
                    .put("/api/rooms/" + room + "/members/added-once")
                    .statusCode());
            assertEquals(Collections.nCopies(AT_ONCE, 204), statuses);
            assertEquals(
                    room,
                    joiner.awaitEvent("member.added").path("data").path("room").asText());
            joiner.assertNothingBeforePong(
                    frame -> "member.added".equals(frame.path("event").asText()), "a second member.added");
            assertTrue(joiner.join(room)
                    .path("data")
                    .path("rooms")
                    .get(0)
                    .path("joined")
                    .asBoolean());
        }
    }

    @Test
    void readPositionsSentAtOnceEndAtTheHighest() throws Exception {
        String room = ChatFixtures.room(base, "racer", "reads", "reader");
        try (WsClient writer = WsClient.withBearer(base, Tokens.user("racer"))) {
            writer.join(room);
            for (int i = 0; i < AT_ONCE; i++) {
                ChatFixtures.send(writer, room, "m" + i);
            }
        }
        List<WsClient> tabs = new ArrayList<>();
        try {
            for (int i = 0; i < AT_ONCE; i++) {
                WsClient tab = WsClient.withBearer(base, Tokens.user("reader"));
                tabs.add(tab);
                tab.join(room);
            }
            // Every tab sends its read at once, the highest in the middle, and each reply comes back.
            for (int i = 0; i < AT_ONCE; i++) {
                tabs.get(i)
                        .send(WsClient.frame("read", "r" + i, Map.of("room", room, "offset", 1 + (i * 5) % AT_ONCE)));
            }
            for (int i = 0; i < AT_ONCE; i++) {
                tabs.get(i).awaitReply("r" + i);
            }
            JsonNode now = tabs.get(0)
                    .request("read", Map.of("room", room, "offset", 0))
                    .path("data");
            assertEquals(AT_ONCE, now.path("offset").asLong(), "the position never moves back: " + now);
            assertEquals(0, now.path("unread").asLong());
        } finally {
            tabs.forEach(WsClient::close);
        }
    }

    @Test
    void reactionsToggledAtOnceByManyMembersAllAnswerAndAddUp() {
        String[] reacters = new String[REACTERS];
        for (int i = 0; i < REACTERS; i++) {
            reacters[i] = "toggler-" + i;
        }
        String room = ChatFixtures.room(base, "racer", "toggles", reacters);
        long messageId;
        try (WsClient writer = WsClient.withBearer(base, Tokens.user("racer"))) {
            writer.join(room);
            messageId =
                    ChatFixtures.send(writer, room, "react to me").path("id").asLong();
        }
        List<WsClient> clients = new ArrayList<>();
        try {
            for (String reacter : reacters) {
                WsClient client = WsClient.withBearer(base, Tokens.user(reacter));
                clients.add(client);
                client.join(room);
            }
            // Every member adds and removes the same emoji, all at once: each removal deletes a row that others'
            // transactions are counting, on event loops that share the connection pool.
            for (int round = 0; round < TOGGLES; round++) {
                for (WsClient client : clients) {
                    Map<String, Object> reaction = Map.of("messageId", messageId, "emoji", "\uD83D\uDC4D");
                    client.send(WsClient.frame("reaction.add", "a" + round, reaction));
                    client.send(WsClient.frame("reaction.remove", "r" + round, reaction));
                }
            }
            for (WsClient client : clients) {
                for (int round = 0; round < TOGGLES; round++) {
                    for (String id : List.of("a" + round, "r" + round)) {
                        JsonNode reply = client.awaitReply(id);
                        assertEquals("ack", reply.path("event").asText(), reply.toString());
                    }
                }
            }
            for (int i = 0; i < REACTERS; i++) {
                JsonNode added = clients.get(i)
                        .request("reaction.add", Map.of("messageId", messageId, "emoji", "\uD83D\uDC4D"))
                        .path("data");
                assertEquals(i + 1, added.path("count").asInt(), "each removal took its row: " + added);
            }
        } finally {
            clients.forEach(WsClient::close);
        }
    }

    @Test
    void oneJoinOfSeveralChatRoomsRecoversEachInOrder() {
        Map<String, String> epochs = new LinkedHashMap<>();
        List<String> rooms = List.of(
                ChatFixtures.room(base, "racer", "multi-a"),
                ChatFixtures.room(base, "racer", "multi-b"),
                ChatFixtures.room(base, "racer", "multi-c"));
        try (WsClient writer = WsClient.withBearer(base, Tokens.user("racer"))) {
            JsonNode results =
                    writer.request("join", Map.of("rooms", rooms)).path("data").path("rooms");
            for (int i = 0; i < rooms.size(); i++) {
                assertTrue(results.get(i).path("joined").asBoolean(), results.toString());
                epochs.put(rooms.get(i), results.get(i).path("epoch").asText());
            }
            for (int i = 0; i < rooms.size(); i++) {
                for (int n = 0; n <= i; n++) {
                    ChatFixtures.send(writer, rooms.get(i), rooms.get(i) + " " + n);
                }
            }
        }
        Map<String, Object> since = new LinkedHashMap<>();
        rooms.forEach(room -> since.put(room, Map.of("offset", 0, "epoch", epochs.get(room))));
        try (WsClient reader = WsClient.withBearer(base, Tokens.user("racer"))) {
            JsonNode results = reader.request("join", Map.of("rooms", rooms, "since", since))
                    .path("data")
                    .path("rooms");
            for (int i = 0; i < rooms.size(); i++) {
                JsonNode result = results.get(i);
                assertTrue(result.path("recovered").asBoolean(), result.toString());
                assertEquals(i + 1, result.path("missed").asInt(), result.toString());
                assertEquals(i + 1, result.path("offset").asLong(), result.toString());
            }
            for (int i = 0; i < rooms.size(); i++) {
                String room = rooms.get(i);
                for (long offset = 1; offset <= i + 1; offset++) {
                    JsonNode replayed = reader.awaitFrame(
                            frame -> room.equals(frame.path("room").asText()), "a replayed event of " + room);
                    assertEquals(offset, replayed.path("offset").asLong(), replayed.toString());
                }
            }
        }
    }

    private static <T> List<T> atOnce(Callable<T> call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(AT_ONCE);
        try {
            List<Callable<T>> calls = Collections.nCopies(AT_ONCE, call);
            List<T> results = new ArrayList<>();
            for (Future<T> result : pool.invokeAll(calls, 60, TimeUnit.SECONDS)) {
                results.add(result.get());
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }
}
