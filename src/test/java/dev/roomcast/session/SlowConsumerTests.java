package dev.roomcast.session;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.roomcast.testing.ChatFixtures;
import dev.roomcast.testing.Metrics;
import dev.roomcast.testing.Pod;
import dev.roomcast.testing.ServicesResource;
import dev.roomcast.testing.SseClient;
import dev.roomcast.testing.StalledClient;
import dev.roomcast.testing.StalledClient.Backlog;
import dev.roomcast.testing.StalledSseClient;
import dev.roomcast.testing.Tokens;
import dev.roomcast.testing.WsClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * PROTOCOL.md section 8, slow readers: a client that stops reading has ephemeral events dropped for it (counted as
 * {@code slow_consumer}) and keeps its connection; when persisted events would overflow its budget it is closed with
 * 4008, having received every persisted event before that in order, and recovers the rest by offset. Meanwhile the
 * other clients of the room receive everything.
 */
@QuarkusTest
@TestProfile(SlowConsumerTests.SmallBudget.class)
@WithTestResource(ServicesResource.class)
class SlowConsumerTests {

    private static final int BUDGET = 64 * 1024;
    /** Events of about 8 KB: enough of them fill the stalled socket's buffers and then its budget. */
    private static final String BULK = "x".repeat(8000);

    private static final int MAX_EVENTS = 1000;

    @TestHTTPResource("/")
    URI base;

    @Test
    void ephemeralEventsAreDroppedForASlowReaderWhileOthersGetThemAll() {
        String room = "live:slow-" + System.nanoTime();
        double droppedBefore = Metrics.value("roomcast_dropped_total{reason=\"slow_consumer\"}");
        double closedBefore = Metrics.value("roomcast_closes_total{code=\"4008\"}");
        try (WsClient fast = WsClient.withBearer(base, Tokens.user("fast-reader"));
                StalledClient slow = StalledClient.connect(base, Tokens.user("slow-reader"))) {
            fast.join(room);
            slow.send(WsClient.frame("join", "j", Map.of("rooms", List.of(room))));
            fast.awaitFrame(
                    frame -> "presence.join".equals(frame.path("event").asText())
                            && "slow-reader"
                                    .equals(frame.path("data").path("userId").asText()),
                    "the slow reader in the room");

            int sent = 0;
            while (sent < MAX_EVENTS
                    && Metrics.value("roomcast_dropped_total{reason=\"slow_consumer\"}") == droppedBefore) {
                for (int i = 0; i < 20; i++, sent++) {
                    emit(room, sent);
                }
            }
            for (int i = 0; i < sent; i++) {
                assertEquals(
                        i,
                        fast.awaitEvent("bulk").path("data").path("n").asInt(),
                        "the fast reader gets every event in order");
            }
            assertTrue(
                    Metrics.value("roomcast_dropped_total{reason=\"slow_consumer\"}") > droppedBefore,
                    "events were dropped");

            slow.send(WsClient.frame("ping", "p", Map.of()));
            Backlog backlog = slow.readUntil(text -> text.contains("\"pong\""), Duration.ofSeconds(20));
            assertEquals(-1, backlog.closeCode(), "still open, the pong arrived");
            long received = backlog.texts().stream()
                    .filter(text -> text.contains("\"bulk\""))
                    .count();
            assertTrue(received < sent, "received " + received + " of " + sent);
            assertEquals(
                    closedBefore,
                    Metrics.value("roomcast_closes_total{code=\"4008\"}"),
                    "ephemeral overflow never closes");
        }
    }

    @Test
    void aSlowReaderThatWouldLosePersistedEventsIsClosedWith4008AndRecoversByOffset() {
        String room = ChatFixtures.room(base, "slow-owner", "slow", "slow-member");
        double closedBefore = Metrics.value("roomcast_closes_total{code=\"4008\"}");
        String epoch;
        try (WsClient owner = WsClient.withBearer(base, Tokens.user("slow-owner"))) {
            epoch = owner.join(room)
                    .path("data")
                    .path("rooms")
                    .get(0)
                    .path("epoch")
                    .asText();
            int sent = 0;
            Backlog backlog;
            try (StalledClient slow = StalledClient.connect(base, Tokens.user("slow-member"))) {
                slow.send(WsClient.frame("join", "j", Map.of("rooms", List.of(room))));
                owner.awaitFrame(
                        frame -> "presence.join".equals(frame.path("event").asText())
                                && "slow-member"
                                        .equals(frame.path("data")
                                                .path("userId")
                                                .asText()),
                        "the slow member in the room");
                sent = ChatFixtures.postUntil(
                        base,
                        "slow-owner",
                        room,
                        MAX_EVENTS,
                        () -> Metrics.value("roomcast_closes_total{code=\"4008\"}") > closedBefore,
                        () -> {});
                assertTrue(
                        Metrics.value("roomcast_closes_total{code=\"4008\"}") > closedBefore, "closed after " + sent);
                for (int offset = 1; offset <= sent; offset++) {
                    assertEquals(
                            offset,
                            owner.awaitEvent("message.created").path("offset").asLong());
                }
                backlog = slow.readAll(Duration.ofSeconds(20));
            }
            assertEquals(4008, backlog.closeCode());
            List<Long> offsets = new ArrayList<>();
            for (String text : backlog.texts()) {
                JsonNode frame = read(text);
                if ("message.created".equals(frame.path("event").asText())) {
                    offsets.add(frame.path("offset").asLong());
                }
            }
            for (int i = 0; i < offsets.size(); i++) {
                assertEquals(i + 1, offsets.get(i), "persisted events before the close are all there, in order");
            }
            assertTrue(offsets.size() < sent, "the close came before the end: " + offsets.size() + " of " + sent);

            try (WsClient back = WsClient.withBearer(base, Tokens.user("slow-member"))) {
                JsonNode result = ChatFixtures.joinSince(back, room, offsets.size(), epoch);
                assertTrue(result.path("recovered").asBoolean(), result.toString());
                for (long offset = offsets.size() + 1; offset <= sent; offset++) {
                    assertEquals(
                            offset,
                            back.awaitEvent("message.created").path("offset").asLong());
                }
            }
        }
    }

    @Test
    void aClientThatAsksWithoutReadingIsClosedWith4008() {
        double closedBefore = Metrics.value("roomcast_closes_total{code=\"4008\"}");
        // Each reply echoes the frame's id: what it asks for piles up unread in the server until the budget ends it.
        String id = "i".repeat(8000);
        try (StalledClient asker = StalledClient.connect(base, Tokens.user("asks-without-reading"))) {
            for (int i = 1; i <= 2000; i++) {
                asker.send("{\"event\":\"ping\",\"id\":\"" + id + "\"}");
                if (i % 100 == 0 && Metrics.value("roomcast_closes_total{code=\"4008\"}") > closedBefore) {
                    break;
                }
            }
            assertTrue(
                    Metrics.value("roomcast_closes_total{code=\"4008\"}") > closedBefore,
                    "replies are held to the budget");
            assertEquals(4008, asker.readAll(Duration.ofSeconds(20)).closeCode());
        }
    }

    @Test
    void aRecoveryLargerThanTheBudgetIsStreamedAsTheClientReads() {
        String room = ChatFixtures.room(base, "replay-owner", "paced", "replay-reader");
        int messages = 40; // about 8000 characters each: five times the budget in all
        String epoch;
        try (WsClient owner = WsClient.withBearer(base, Tokens.user("replay-owner"))) {
            epoch = owner.join(room)
                    .path("data")
                    .path("rooms")
                    .get(0)
                    .path("epoch")
                    .asText();
            for (int i = 0; i < messages; i++) {
                given().auth()
                        .oauth2(Tokens.user("replay-owner"))
                        .contentType(ContentType.JSON)
                        .body(Map.of("text", ChatFixtures.LONGEST_TEXT, "clientMsgId", "paced-" + i))
                        .post("/api/rooms/" + room + "/messages")
                        .then()
                        .statusCode(201);
            }
        }
        try (WsClient reader = WsClient.withBearer(base, Tokens.user("replay-reader"))) {
            JsonNode result = ChatFixtures.joinSince(reader, room, 0, epoch);
            assertTrue(result.path("recovered").asBoolean(), result.toString());
            assertEquals(messages, result.path("missed").asInt());
            for (int offset = 1; offset <= messages; offset++) {
                assertEquals(
                        offset,
                        reader.awaitEvent("message.created").path("offset").asLong());
            }
            assertFalse(reader.isClosed(), "a reading client is never closed for its own replay");
        }
    }

    private void emit(String room, int n) {
        given().auth()
                .oauth2(Tokens.admin("slow-ops"))
                .contentType(ContentType.JSON)
                .body(Map.of("type", "room", "target", room, "event", "bulk", "data", Map.of("n", n, "pad", BULK)))
                .post("/api/emit")
                .then()
                .statusCode(202);
    }

    /** An SSE response that does not drain is a slow reader too: the same budget, and a last close frame of 4008. */
    @Test
    void anSseStreamThatDoesNotDrainIsClosedWith4008AndLosesNothingBeforeIt() {
        String room = ChatFixtures.room(base, "slow-sse-owner", "slow-sse", "slow-sse-member");
        double closedBefore = Metrics.value("roomcast_closes_total{code=\"4008\"}");
        List<String> events;
        int sent;
        try (StalledSseClient slow = StalledSseClient.connect(base, Tokens.user("slow-sse-member"))) {
            assertEquals(
                    202,
                    SseClient.post(
                                    base,
                                    slow.clientId(),
                                    Tokens.user("slow-sse-member"),
                                    WsClient.frame("join", "j", Map.of("rooms", List.of(room))))
                            .statusCode());
            Awaitility.await()
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> given().auth()
                            .oauth2(Tokens.user("slow-sse-owner"))
                            .get("/api/rooms/" + room + "/presence")
                            .then()
                            .extract()
                            .path("users.size()")
                            .equals(1));
            sent = ChatFixtures.postUntil(
                    base,
                    "slow-sse-owner",
                    room,
                    MAX_EVENTS,
                    () -> Metrics.value("roomcast_closes_total{code=\"4008\"}") > closedBefore,
                    () -> {});
            assertTrue(Metrics.value("roomcast_closes_total{code=\"4008\"}") > closedBefore, "closed after " + sent);
            events = slow.readAll(Duration.ofSeconds(20));
        }
        JsonNode last = read(events.get(events.size() - 1));
        assertEquals("close", last.path("event").asText(), last.toString());
        assertEquals(4008, last.path("data").path("code").asInt());
        List<Long> offsets = new ArrayList<>();
        for (String text : events) {
            JsonNode frame = read(text);
            if ("message.created".equals(frame.path("event").asText())) {
                offsets.add(frame.path("offset").asLong());
            }
        }
        assertTrue(offsets.size() < sent, "the stream was closed before it got everything: " + offsets.size());
        for (int i = 0; i < offsets.size(); i++) {
            assertEquals(i + 1, offsets.get(i), "what came before the close came whole and in order");
        }
    }

    private static JsonNode read(String text) {
        try {
            return WsClient.JSON.readTree(text);
        } catch (IOException e) {
            throw new AssertionError(text, e);
        }
    }

    public static class SmallBudget implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // The room's writers post hundreds of messages over REST at full speed.
            Map<String, String> config = new HashMap<>(Pod.UNLIMITED_RATES);
            config.put("roomcast.slow-consumer.max-queued-bytes", String.valueOf(BUDGET));
            return config;
        }
    }
}
