package dev.roomcast.chat;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.roomcast.testing.ChatFixtures;
import dev.roomcast.testing.Pod;
import dev.roomcast.testing.Pods;
import dev.roomcast.testing.Tokens;
import dev.roomcast.testing.WsClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Chat on two packaged pods sharing PostgreSQL and Redis: offsets stay gapless, unique and in order for every
 * subscriber on both pods while clients on both send at full speed; a clientMsgId repeated on the other pod returns
 * the original; a kick on one pod removes the user's sessions on the other.
 */
class ChatMultiPodIT {

    private static final int SENDERS_PER_POD = 2;
    private static final int MESSAGES_PER_SENDER = 500;
    /** Frames a sender has unacknowledged: the one it sends and the 100 that may wait before it on the pod. */
    private static final int IN_FLIGHT = 100;

    @RegisterExtension
    static final Pods PODS = Pods.of("chat-1", Pod.UNLIMITED_RATES).and("chat-2", Pod.UNLIMITED_RATES);

    @Test
    void concurrentSendersOnTwoPodsProduceOneGaplessOrderedSequenceForEverySubscriber() throws Exception {
        List<String> senders = new ArrayList<>();
        for (int i = 0; i < 2 * SENDERS_PER_POD; i++) {
            senders.add("sender" + i);
        }
        List<String> readers = List.of("reader1", "reader2", "reader3", "reader4");
        List<String> everyone = new ArrayList<>(senders);
        everyone.addAll(readers);
        String room = ChatFixtures.room(PODS.first().base(), "host", "burst", everyone.toArray(String[]::new));
        List<WsClient> subscribers = new ArrayList<>();
        List<WsClient> senderClients = new ArrayList<>();
        try {
            for (int i = 0; i < readers.size(); i++) {
                WsClient reader = WsClient.withBearer(
                        (i % 2 == 0 ? PODS.first() : PODS.second()).base(), Tokens.user(readers.get(i)));
                reader.join(room);
                subscribers.add(reader);
            }
            for (int i = 0; i < senders.size(); i++) {
                WsClient sender = WsClient.withBearer(
                        (i % 2 == 0 ? PODS.first() : PODS.second()).base(), Tokens.user(senders.get(i)));
                sender.join(room);
                senderClients.add(sender);
            }
            List<CompletableFuture<Void>> sending = new ArrayList<>();
            for (int s = 0; s < senderClients.size(); s++) {
                WsClient sender = senderClients.get(s);
                int senderIndex = s;
                sending.add(CompletableFuture.runAsync(() -> {
                    // Frames go out as fast as the socket takes them, up to the 100 a connection may have waiting
                    // (README protocol note 53): a sender waits only for the ack of the frame 100 before its next.
                    for (int m = 0; m < MESSAGES_PER_SENDER; m++) {
                        if (m >= IN_FLIGHT) {
                            assertAcked(sender, m - IN_FLIGHT);
                        }
                        sender.send(WsClient.frame(
                                "message.send",
                                "s" + m,
                                Map.of(
                                        "room",
                                        room,
                                        "text",
                                        senderIndex + ":" + m,
                                        "clientMsgId",
                                        senderIndex + "-" + m)));
                    }
                    for (int m = Math.max(0, MESSAGES_PER_SENDER - IN_FLIGHT); m < MESSAGES_PER_SENDER; m++) {
                        assertAcked(sender, m);
                    }
                }));
            }
            CompletableFuture.allOf(sending.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
            int total = senderClients.size() * MESSAGES_PER_SENDER;
            for (WsClient subscriber : subscribers) {
                List<Long> offsets = new ArrayList<>(total);
                for (int i = 0; i < total; i++) {
                    offsets.add(subscriber
                            .awaitEvent("message.created")
                            .path("offset")
                            .asLong());
                }
                for (int i = 0; i < total; i++) {
                    assertEquals(
                            i + 1, offsets.get(i), "offset at position " + i + " (a gap, duplicate or reordering)");
                }
                subscriber.assertNothingBeforePong(
                        f -> "message.created".equals(f.path("event").asText()), "a duplicate");
            }
            JsonNode latest = given().baseUri(PODS.second().base().toString())
                    .auth()
                    .oauth2(Tokens.user("host"))
                    .get("/api/rooms/" + room)
                    .then()
                    .statusCode(200)
                    .extract()
                    .as(JsonNode.class);
            assertEquals(total, latest.path("lastOffset").asLong());
        } finally {
            subscribers.forEach(WsClient::close);
            senderClients.forEach(WsClient::close);
        }
    }

    @Test
    void aClientMsgIdRepeatedOnTheOtherPodReturnsTheOriginalAndCreatesNothing() {
        String room = ChatFixtures.room(PODS.first().base(), "ursula", "idem-pods", "viktor");
        try (WsClient onOne = WsClient.withBearer(PODS.first().base(), Tokens.user("ursula"));
                WsClient onTwo = WsClient.withBearer(PODS.second().base(), Tokens.user("ursula"));
                WsClient watcher = WsClient.withBearer(PODS.second().base(), Tokens.user("viktor"))) {
            onOne.join(room);
            onTwo.join(room);
            watcher.join(room);
            JsonNode first = onOne.request(
                            "message.send", Map.of("room", room, "text", "hi", "clientMsgId", "retry-me"))
                    .path("data")
                    .path("message");
            JsonNode retry = onTwo.request(
                            "message.send", Map.of("room", room, "text", "hi", "clientMsgId", "retry-me"))
                    .path("data")
                    .path("message");
            assertEquals(first.path("id"), retry.path("id"));
            assertEquals(first.path("offset"), retry.path("offset"));
            watcher.awaitEvent("message.created");
            ChatFixtures.send(onOne, room, "marker");
            JsonNode next = watcher.awaitEvent("message.created");
            assertEquals(
                    "marker", next.path("data").path("message").path("text").asText(), "the retry created nothing");
        }
    }

    @Test
    void aKickOnOnePodRemovesTheUsersSessionsOnTheOther() {
        String room = ChatFixtures.room(PODS.first().base(), "wanda", "kick-pods", "xander");
        try (WsClient kicked = WsClient.withBearer(PODS.second().base(), Tokens.user("xander"));
                WsClient owner = WsClient.withBearer(PODS.first().base(), Tokens.user("wanda"))) {
            kicked.join(room);
            owner.join(room);
            given().baseUri(PODS.first().base().toString())
                    .auth()
                    .oauth2(Tokens.user("wanda"))
                    .delete("/api/rooms/" + room + "/members/xander")
                    .then()
                    .statusCode(204);
            assertEquals(
                    "kicked",
                    kicked.awaitEvent("member.removed")
                            .path("data")
                            .path("reason")
                            .asText());
            ChatFixtures.send(owner, room, "not for xander");
            assertTrue(kicked.request("message.send", Map.of("room", room, "text", "x", "clientMsgId", "x"))
                    .path("data")
                    .path("code")
                    .asText()
                    .equals("FORBIDDEN"));
            kicked.assertNothingBeforePong(
                    f -> "message.created".equals(f.path("event").asText()), "a message after the kick");
        }
    }

    private static void assertAcked(WsClient sender, int message) {
        JsonNode ack = sender.awaitReply("s" + message);
        assertEquals("ack", ack.path("event").asText(), ack.toString());
    }
}
