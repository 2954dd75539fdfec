package dev.roomcast.faults;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.roomcast.testing.ChatFixtures;
import dev.roomcast.testing.LocalServices;
import dev.roomcast.testing.Pods;
import dev.roomcast.testing.Tokens;
import dev.roomcast.testing.WsClient;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Redis stops and comes back while clients are connected to two pods: each pod keeps serving its own clients, readiness
 * is DOWN meanwhile, persisted events sent during the outage reach the other pod's subscribers from the event log,
 * and once Redis is back the pods reconnect and resubscribe on their own, cross-pod delivery resumes and presence is
 * whole again.
 */
class RedisOutageIT {

    private static final Duration WITHIN = Duration.ofSeconds(20);

    @RegisterExtension
    static final Pods PODS = Pods.of("redis-outage-1", Map.of()).and("redis-outage-2", Map.of());

    @AfterEach
    void redisIsBack() {
        LocalServices.run("start-redis");
    }

    @Test
    void podsServeLocallyDuringARedisOutageAndNothingPersistedIsLost() {
        String chat = ChatFixtures.room(PODS.first().base(), "outage-writer", "redis-outage", "outage-reader");
        String live = "live:redis-outage-" + System.nanoTime();
        try (WsClient writer = WsClient.withBearer(PODS.first().base(), Tokens.user("outage-writer"));
                WsClient neighbour = WsClient.withBearer(PODS.first().base(), Tokens.user("outage-neighbour"));
                WsClient reader = WsClient.withBearer(PODS.second().base(), Tokens.user("outage-reader"))) {
            writer.join(chat, live);
            neighbour.join(live);
            reader.join(chat, live);

            LocalServices.run("stop-redis");
            await().atMost(WITHIN)
                    .until(() -> PODS.first().readinessStatus() == 503
                            && PODS.second().readinessStatus() == 503);

            writer.send(WsClient.frame("publish", null, Map.of("room", live, "event", "local.only")));
            assertEquals(
                    "outage-writer",
                    neighbour
                            .awaitEvent("local.only")
                            .path("from")
                            .path("userId")
                            .asText(),
                    "the pod still delivers to its own clients");
            for (int i = 0; i < 3; i++) {
                ChatFixtures.send(writer, chat, "during the outage " + i); // acknowledged: stored
            }
            for (long offset = 1; offset <= 3; offset++) {
                assertEquals(
                        offset,
                        reader.awaitEvent("message.created").path("offset").asLong(),
                        "the other pod reads what Redis could not carry from the log");
            }

            LocalServices.run("start-redis");
            await().atMost(WITHIN)
                    .until(() -> PODS.first().readinessStatus() == 200
                            && PODS.second().readinessStatus() == 200);

            writer.send(WsClient.frame("publish", null, Map.of("room", live, "event", "cross.pod")));
            assertEquals(
                    "outage-writer",
                    reader.awaitEvent("cross.pod").path("from").path("userId").asText(),
                    "cross-pod delivery resumed");
            ChatFixtures.send(writer, chat, "after the outage");
            assertEquals(4, reader.awaitEvent("message.created").path("offset").asLong());
            reader.assertNothingBeforePong(
                    frame -> "message.created".equals(frame.path("event").asText()), "a duplicate");
            // Redis came back empty (no persistence here): the pods re-synced presence on their own.
            await().atMost(WITHIN)
                    .until(() -> reader.request("presence.get", Map.of("room", live))
                                    .path("data")
                                    .path("users")
                                    .size()
                            == 3);
        }
    }
}
