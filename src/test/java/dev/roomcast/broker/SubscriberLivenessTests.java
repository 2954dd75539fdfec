package dev.roomcast.broker;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.roomcast.protocol.Channels;
import dev.roomcast.testing.RedisCli;
import dev.roomcast.testing.ServicesResource;
import dev.roomcast.testing.Tokens;
import dev.roomcast.testing.WsClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A subscriber connection whose Redis stops answering without closing the socket (a host gone, a network cut) is taken
 * for lost after a PING left unanswered for {@code roomcast.redis.subscribe-timeout}, and replaced: Redis is made
 * to stop answering with {@code CLIENT PAUSE}, and the pod's subscriber connection afterwards is a new one, holding
 * the room it had.
 */
@QuarkusTest
@TestProfile(SubscriberLivenessTests.ShortSubscribeTimeout.class)
@WithTestResource(ServicesResource.class)
class SubscriberLivenessTests {

    public static class ShortSubscribeTimeout implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("roomcast.redis.subscribe-timeout", "500ms");
        }
    }

    @TestHTTPResource("/")
    URI base;

    @Test
    void aSubscriberConnectionThatStopsAnsweringIsReplaced() {
        try (WsClient member = WsClient.withBearer(base, Tokens.user("liveness"))) {
            member.join("live:liveness");
            Set<String> before = subscriberIds();
            assertEquals(1, before.size(), "one subscriber connection: " + before);

            RedisCli.run("CLIENT", "PAUSE", "2500", "ALL");

            await().atMost(Duration.ofSeconds(20))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> {
                        Set<String> now = subscriberIds();
                        return now.size() == 1 && !now.equals(before);
                    });
            assertNotEquals(before, subscriberIds());
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> RedisCli.subscribers(Channels.room("live:liveness")) == 1);
            RedisCli.publish(
                    Channels.room("live:liveness"),
                    "{\"serverId\":\"emitter\",\"type\":\"room\",\"target\":\"live:liveness\",\"event\":\"alive\"}");
            assertEquals(
                    "live:liveness", member.awaitEvent("alive").path("room").asText());
        }
    }

    /**
     * PINGs go on while messages stream in: a message that arrives while a PING waits for its PONG must not make the
     * connection look dead (Vert.x then hands the PONG to the push handler). Thousands of messages over several PING
     * intervals, every one delivered, on the same connection throughout.
     */
    @Test
    void aBusySubscriberConnectionAnswersItsPingsAndLosesNothing() {
        try (WsClient member = WsClient.withBearer(base, Tokens.user("liveness-busy"))) {
            member.join("live:liveness-busy");
            Set<String> before = subscriberIds();
            int messages = 3000;
            // One redis-cli, a PUBLISH every millisecond: about 3 s, six PING intervals.
            RedisCli.run(
                    "-r",
                    Integer.toString(messages),
                    "-i",
                    "0.001",
                    "PUBLISH",
                    Channels.room("live:liveness-busy"),
                    "{\"serverId\":\"emitter\",\"type\":\"room\",\"target\":\"live:liveness-busy\",\"event\":\"busy\"}");
            for (int i = 0; i < messages; i++) {
                int n = i;
                member.awaitFrame(frame -> "busy".equals(frame.path("event").asText()), "message " + n);
            }
            assertEquals(before, subscriberIds(), "the same subscriber connection throughout");
        }
    }

    /** The ids of the connections that hold subscriptions (CLIENT LIST TYPE pubsub). */
    private static Set<String> subscriberIds() {
        return RedisCli.run("CLIENT", "LIST", "TYPE", "pubsub")
                .lines()
                .filter(line -> line.startsWith("id="))
                .map(line -> line.substring(3, line.indexOf(' ')))
                .collect(Collectors.toSet());
    }
}
