package dev.roomcast.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.roomcast.protocol.Channels;
import dev.roomcast.testing.ChatFixtures;
import dev.roomcast.testing.Pod;
import dev.roomcast.testing.RedisCli;
import dev.roomcast.testing.Tokens;
import dev.roomcast.testing.WsClient;
import io.restassured.RestAssured;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * A pod drains (SIGTERM) while one of its clients keeps sending: sends in flight finish, every acknowledged message
 * reaches the subscriber on the other pod, in order and once, the drained user leaves presence there, and the pod gives
 * its presence lease back as it stops.
 */
class DrainIT {

    @Test
    void acknowledgedSendsSurviveADrainAndTheDrainedUserLeavesPresence() throws Exception {
        Pod survivor = Pod.start("drain-chat-survivor", Pod.UNLIMITED_RATES);
        Pod stopping =
                Pod.start("drain-chat-stopping", merge(Pod.UNLIMITED_RATES, Map.of("roomcast.shutdown.drain", "3s")));
        String room = ChatFixtures.room(survivor.base(), "drain-owner", "drain", "drain-sender", "drain-reader");
        try (WsClient reader = WsClient.withBearer(survivor.base(), Tokens.user("drain-reader"));
                WsClient sender = WsClient.withBearer(stopping.base(), Tokens.user("drain-sender"))) {
            reader.join(room);
            sender.join(room);
            reader.awaitFrame(
                    frame -> "presence.join".equals(frame.path("event").asText())
                            && "drain-sender"
                                    .equals(frame.path("data").path("userId").asText()),
                    "the sender's presence");

            CompletableFuture<List<Long>> sending = CompletableFuture.supplyAsync(() -> sendUntilClosed(sender, room));
            Awaitility.await()
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> reader.drain().stream()
                                    .anyMatch(frame -> "message.created"
                                            .equals(frame.path("event").asText()))
                            || sending.isDone());
            stopping.terminate();
            List<Long> acked = sending.get(60, TimeUnit.SECONDS);
            assertEquals(1001, sender.awaitClose());
            assertTrue(acked.size() > 1, "sent during the drain: " + acked.size());

            long last = acked.get(acked.size() - 1);
            // Whatever was committed, acknowledged or not (the last send may have been cut off), arrives once, in
            // order.
            JsonNode latest = RestAssured.given()
                    .baseUri(survivor.base().toString())
                    .auth()
                    .oauth2(Tokens.user("drain-owner"))
                    .get("/api/rooms/" + room)
                    .then()
                    .statusCode(200)
                    .extract()
                    .as(JsonNode.class);
            long committed = latest.path("lastOffset").asLong();
            assertTrue(committed >= last, "every acknowledged offset is committed");
            try (WsClient late = WsClient.withBearer(survivor.base(), Tokens.user("drain-reader"))) {
                JsonNode result = ChatFixtures.joinSince(
                        late, room, 0, latest.path("epoch").asText());
                assertTrue(result.path("recovered").asBoolean(), result.toString());
                List<Long> replayed = new ArrayList<>();
                for (long offset = 1; offset <= committed; offset++) {
                    replayed.add(
                            late.awaitEvent("message.created").path("offset").asLong());
                }
                for (int i = 0; i < replayed.size(); i++) {
                    assertEquals(i + 1, replayed.get(i));
                }
            }
            reader.awaitFrame(
                    frame -> "presence.leave".equals(frame.path("event").asText())
                            && "drain-sender"
                                    .equals(frame.path("data").path("userId").asText()),
                    "the drained user's presence.leave");
            assertTrue(stopping.awaitExit(Duration.ofSeconds(15)), "the pod exits after the drain");
            String pod = sender.connectedFrame().path("data").path("pod").asText();
            assertEquals(
                    "",
                    RedisCli.run("ZSCORE", Channels.PRESENCE_PODS, pod),
                    "the stopped pod gave its presence lease back");
            assertEquals("0", RedisCli.run("EXISTS", Channels.presenceIndex(pod)));
        } finally {
            stopping.close();
            survivor.close();
        }
    }

    /** One send after the other, each awaiting its ack, until the pod closes the socket. */
    private static List<Long> sendUntilClosed(WsClient sender, String room) {
        List<Long> acked = new ArrayList<>();
        for (int i = 0; i < 10_000 && !sender.isClosed(); i++) {
            sender.send(WsClient.frame(
                    "message.send", "d" + i, Map.of("room", room, "text", "m" + i, "clientMsgId", "drain-" + i)));
            JsonNode reply;
            try {
                reply = sender.awaitReply("d" + i);
            } catch (AssertionError closed) {
                break;
            }
            if (!"ack".equals(reply.path("event").asText())) {
                break;
            }
            acked.add(reply.path("data").path("message").path("offset").asLong());
        }
        return acked;
    }

    private static Map<String, String> merge(Map<String, String> first, Map<String, String> second) {
        Map<String, String> merged = new HashMap<>(first);
        merged.putAll(second);
        return merged;
    }
}
