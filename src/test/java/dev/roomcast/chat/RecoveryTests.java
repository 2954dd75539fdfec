package dev.roomcast.chat;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import io.restassured.http.ContentType;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * PROTOCOL.md 5.3: a client that was away rejoins with {@code since} and ends with the complete, gapless, strictly
 * increasing sequence, even while others keep sending during its recovery; a wrong epoch is not recovered.
 */
@QuarkusTest
@WithTestResource(ServicesResource.class)
class RecoveryTests {

    @TestHTTPResource("/")
    URI base;

    @ParameterizedTest
    @EnumSource(Transport.class)
    void aSubscriberThatMissedMessagesRecoversThemInOrderWhileOthersKeepSending(Transport transport) throws Exception {
        String room = ChatFixtures.room(base, "writer", "recovery", "reader");
        try (ProtocolClient writer = transport.connect(base, Tokens.user("writer"))) {
            writer.join(room);
            long lastSeen;
            String epoch;
            try (ProtocolClient reader = transport.connect(base, Tokens.user("reader"))) {
                JsonNode joined = reader.join(room).path("data").path("rooms").get(0);
                epoch = joined.path("epoch").asText();
                for (int i = 0; i < 5; i++) {
                    ChatFixtures.send(writer, room, "before " + i);
                }
                lastSeen = 0;
                for (int i = 0; i < 5; i++) {
                    lastSeen =
                            reader.awaitEvent("message.created").path("offset").asLong();
                }
                assertEquals(5, lastSeen);
            }
            for (int i = 0; i < 10; i++) {
                ChatFixtures.send(writer, room, "while away " + i);
            }
            // Another sender keeps going during the rejoin and its replay.
            CompletableFuture<Void> concurrent = CompletableFuture.runAsync(() -> {
                for (int i = 0; i < 15; i++) {
                    given().baseUri(base.toString())
                            .auth()
                            .oauth2(Tokens.user("writer"))
                            .contentType(ContentType.JSON)
                            .body(Map.of("text", "during " + i, "clientMsgId", "during-" + i + "-" + room))
                            .post("/api/rooms/" + room + "/messages")
                            .then()
                            .statusCode(201);
                }
            });
            try (ProtocolClient reader = transport.connect(base, Tokens.user("reader"))) {
                JsonNode ack = reader.request(
                        "join",
                        Map.of(
                                "rooms",
                                List.of(room),
                                "since",
                                Map.of(room, Map.of("offset", lastSeen, "epoch", epoch))));
                JsonNode result = ack.path("data").path("rooms").get(0);
                assertTrue(result.path("recovered").asBoolean(), result.toString());
                long announced = result.path("offset").asLong();
                assertEquals(announced - lastSeen, result.path("missed").asLong(), "missed = offset - since");
                concurrent.get(60, TimeUnit.SECONDS);
                long expectedLast = 5 + 10 + 15;
                List<Long> offsets = new ArrayList<>();
                while (offsets.isEmpty() || offsets.get(offsets.size() - 1) < expectedLast) {
                    offsets.add(
                            reader.awaitEvent("message.created").path("offset").asLong());
                }
                List<Long> expected = new ArrayList<>();
                for (long offset = lastSeen + 1; offset <= expectedLast; offset++) {
                    expected.add(offset);
                }
                assertEquals(expected, offsets, "gapless, strictly increasing, each once");
                reader.assertNothingBeforePong(
                        f -> "message.created".equals(f.path("event").asText()), "a duplicate");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void aWrongEpochOrAFutureOffsetIsNotRecoveredAndTheCurrentPositionIsRecovered(Transport transport) {
        String room = ChatFixtures.room(base, "epoch-owner", "epoch");
        try (ProtocolClient owner = transport.connect(base, Tokens.user("epoch-owner"))) {
            owner.join(room);
            ChatFixtures.send(owner, room, "one");
            ChatFixtures.send(owner, room, "two");
        }
        try (ProtocolClient again = transport.connect(base, Tokens.user("epoch-owner"))) {
            JsonNode wrongEpoch = again.request(
                            "join",
                            Map.of(
                                    "rooms",
                                    List.of(room),
                                    "since",
                                    Map.of(room, Map.of("offset", 1, "epoch", "not-the-epoch"))))
                    .path("data")
                    .path("rooms")
                    .get(0);
            assertFalse(wrongEpoch.path("recovered").asBoolean());
            assertEquals(0, wrongEpoch.path("missed").asInt());
            assertEquals(2, wrongEpoch.path("offset").asLong());
            again.assertNothingBeforePong(
                    f -> "message.created".equals(f.path("event").asText()), "a replay");
        }
        try (ProtocolClient again = transport.connect(base, Tokens.user("epoch-owner"))) {
            String epoch = again.join(room)
                    .path("data")
                    .path("rooms")
                    .get(0)
                    .path("epoch")
                    .asText();
            again.request("leave", Map.of("rooms", List.of(room)));
            JsonNode current = again.request(
                            "join",
                            Map.of("rooms", List.of(room), "since", Map.of(room, Map.of("offset", 2, "epoch", epoch))))
                    .path("data")
                    .path("rooms")
                    .get(0);
            assertTrue(current.path("recovered").asBoolean());
            assertEquals(0, current.path("missed").asInt());
            again.request("leave", Map.of("rooms", List.of(room)));
            JsonNode future = again.request(
                            "join",
                            Map.of("rooms", List.of(room), "since", Map.of(room, Map.of("offset", 99, "epoch", epoch))))
                    .path("data")
                    .path("rooms")
                    .get(0);
            assertFalse(future.path("recovered").asBoolean());
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void restHistoryMatchesWhatTheWebSocketDelivered(Transport transport) {
        String room = ChatFixtures.room(base, "scribe", "matching", "copyist");
        try (ProtocolClient scribe = transport.connect(base, Tokens.user("scribe"));
                ProtocolClient copyist = transport.connect(base, Tokens.user("copyist"))) {
            scribe.join(room);
            copyist.join(room);
            for (int i = 0; i < 6; i++) {
                ChatFixtures.send(scribe, room, "line " + i);
            }
            List<JsonNode> live = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                live.add(copyist.awaitEvent("message.created").path("data").path("message"));
            }
            JsonNode page = given().auth()
                    .oauth2(Tokens.user("copyist"))
                    .get("/api/rooms/" + room + "/messages")
                    .then()
                    .statusCode(200)
                    .extract()
                    .as(JsonNode.class);
            List<JsonNode> rest = new ArrayList<>();
            page.path("items").forEach(rest::add);
            assertEquals(live, rest, "the same complete message objects, in the same order");
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void aMalformedSinceRefusesThatRoomOnly(Transport transport) {
        String room = ChatFixtures.room(base, "since-owner", "since");
        try (ProtocolClient owner = transport.connect(base, Tokens.user("since-owner"))) {
            JsonNode results = owner.request(
                            "join",
                            Map.of(
                                    "rooms",
                                    List.of(room, "live:beside"),
                                    "since",
                                    Map.of(room, Map.of("offset", "two", "epoch", "x"))))
                    .path("data")
                    .path("rooms");
            assertEquals(
                    "BAD_REQUEST", results.get(0).path("error").path("code").asText());
            assertTrue(results.get(1).path("joined").asBoolean());
        }
    }
}
