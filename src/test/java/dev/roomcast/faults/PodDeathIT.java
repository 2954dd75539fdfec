package dev.roomcast.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.roomcast.testing.ChatFixtures;
import dev.roomcast.testing.Pod;
import dev.roomcast.testing.Pods;
import dev.roomcast.testing.Tokens;
import dev.roomcast.testing.WsClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A pod dies (SIGKILL) while clients on both pods send into one room. The dead pod's clients reconnect to the other
 * pod: senders repeat their unacknowledged message with the same clientMsgId, subscribers rejoin with {@code since}.
 * Every acknowledged message reaches every subscriber exactly once, in offset order, gapless, including a message
 * the dead pod committed but could not publish or acknowledge.
 */
class PodDeathIT {

    private static final int MESSAGES_PER_SENDER = 60;
    private static final int KILL_AFTER = 20;

    @RegisterExtension
    static final Pods PODS = Pods.of("death-survivor", Pod.UNLIMITED_RATES).and("death-doomed", Pod.UNLIMITED_RATES);

    @Test
    void everyAcknowledgedMessageReachesEverySubscriberOnceAfterAPodDies() throws Exception {
        String room = ChatFixtures.room(
                PODS.first().base(), "death-owner", "death", "death-a", "death-b", "death-s1", "death-s2");
        WsClient stays = WsClient.withBearer(PODS.first().base(), Tokens.user("death-s1"));
        WsClient moves = WsClient.withBearer(PODS.second().base(), Tokens.user("death-s2"));
        WsClient movedBack = null;
        try {
            String epoch = stays.join(room)
                    .path("data")
                    .path("rooms")
                    .get(0)
                    .path("epoch")
                    .asText();
            moves.join(room);
            AtomicInteger progress = new AtomicInteger();
            CompletableFuture<List<Long>> fromSurvivor = CompletableFuture.supplyAsync(
                    () -> sendAll("death-a", "a-", room, List.of(PODS.first()), progress));
            CompletableFuture<List<Long>> fromDoomed = CompletableFuture.supplyAsync(
                    () -> sendAll("death-b", "b-", room, List.of(PODS.second(), PODS.first()), new AtomicInteger()));

            while (progress.get() < KILL_AFTER && !fromSurvivor.isDone()) {
                Thread.onSpinWait();
            }
            PODS.second().kill();

            TreeSet<Long> acked = new TreeSet<>(fromSurvivor.get(120, TimeUnit.SECONDS));
            acked.addAll(fromDoomed.get(120, TimeUnit.SECONDS));
            int total = 2 * MESSAGES_PER_SENDER;
            assertEquals(total, acked.size(), "one offset per message, retries included");
            assertEquals(total, acked.last(), "offsets 1.." + total);

            List<Long> seenByStayer = new ArrayList<>();
            for (int i = 0; i < total; i++) {
                seenByStayer.add(
                        stays.awaitEvent("message.created").path("offset").asLong());
            }
            assertGapless(seenByStayer, 1, total, "the subscriber on the surviving pod");
            stays.assertNothingBeforePong(
                    frame -> "message.created".equals(frame.path("event").asText()), "a duplicate");

            Awaitility.await().atMost(Duration.ofSeconds(10)).until(moves::isClosed); // no close frame from a dead pod
            List<Long> seenByMover = new ArrayList<>();
            for (JsonNode frame : moves.drain()) {
                if ("message.created".equals(frame.path("event").asText())) {
                    seenByMover.add(frame.path("offset").asLong());
                }
            }
            long since = seenByMover.isEmpty() ? 0 : seenByMover.get(seenByMover.size() - 1);
            movedBack = WsClient.withBearer(PODS.first().base(), Tokens.user("death-s2"));
            JsonNode rejoined = ChatFixtures.joinSince(movedBack, room, since, epoch);
            assertTrue(rejoined.path("recovered").asBoolean(), rejoined.toString());
            for (long offset = since + 1; offset <= total; offset++) {
                seenByMover.add(
                        movedBack.awaitEvent("message.created").path("offset").asLong());
            }
            assertGapless(seenByMover, 1, total, "the subscriber that moved from the dead pod");
            movedBack.assertNothingBeforePong(
                    frame -> "message.created".equals(frame.path("event").asText()), "a duplicate");
        } finally {
            stays.close();
            moves.close();
            if (movedBack != null) {
                movedBack.close();
            }
        }
    }

    /**
     * Sends the messages one after the other, each until it is acknowledged. When the connection is lost the sender
     * moves to the next pod and repeats the same clientMsgId: the message is stored once whichever pod got it first.
     *
     * @return the acknowledged offsets
     */
    private static List<Long> sendAll(String user, String prefix, String room, List<Pod> pods, AtomicInteger progress) {
        List<Long> acked = new ArrayList<>();
        int pod = 0;
        WsClient client = connect(pods.get(pod), user, room);
        try {
            for (int i = 0; i < MESSAGES_PER_SENDER; i++) {
                String clientMsgId = prefix + i;
                while (true) {
                    try {
                        JsonNode ack = client.request(
                                "message.send", Map.of("room", room, "text", clientMsgId, "clientMsgId", clientMsgId));
                        assertEquals("ack", ack.path("event").asText(), ack.toString());
                        acked.add(
                                ack.path("data").path("message").path("offset").asLong());
                        progress.incrementAndGet();
                        break;
                    } catch (AssertionError lost) {
                        if (!client.isClosed() || pod + 1 >= pods.size()) {
                            throw lost;
                        }
                        client.close();
                        client = connect(pods.get(++pod), user, room);
                    }
                }
            }
            return acked;
        } finally {
            client.close();
        }
    }

    private static WsClient connect(Pod pod, String user, String room) {
        WsClient client = WsClient.withBearer(pod.base(), Tokens.user(user));
        client.join(room);
        return client;
    }

    private static void assertGapless(List<Long> offsets, long first, long last, String who) {
        assertEquals(last - first + 1, offsets.size(), who + " saw " + offsets);
        for (int i = 0; i < offsets.size(); i++) {
            assertEquals(first + i, offsets.get(i), who + ": position " + i + " of " + offsets);
        }
    }
}
