package dev.roomcast.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.roomcast.testing.Metrics;
import dev.roomcast.testing.ServicesResource;
import dev.roomcast.testing.Tokens;
import dev.roomcast.testing.WsClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * PROTOCOL.md section 8: token buckets per connection; a refused frame gets RATE_LIMITED with retryAfterMs and is
 * not executed. The expected counts follow from the configured burst and rate and the measured duration of the burst,
 * so a slow machine widens the bounds instead of failing them.
 */
@QuarkusTest
@WithTestResource(ServicesResource.class)
class RateLimitTests {

    @TestHTTPResource("/")
    URI base;

    @Test
    void joinsOverTheirBurstAreRefusedAndNotExecuted() {
        try (WsClient client = WsClient.withBearer(base, Tokens.user("hasty"))) {
            int refused = 0;
            String refusedRoom = null;
            long started = System.nanoTime();
            for (int i = 0; i < 60; i++) {
                client.send(WsClient.frame("join", "j" + i, Map.of("rooms", List.of("live:rl-" + i))));
            }
            for (int i = 0; i < 60; i++) {
                JsonNode reply = client.awaitReply("j" + i);
                if ("error".equals(reply.path("event").asText())) {
                    assertEquals("RATE_LIMITED", reply.path("data").path("code").asText());
                    assertTrue(reply.path("data").path("retryAfterMs").asLong() > 0, reply.toString());
                    refused++;
                    refusedRoom = "live:rl-" + i;
                }
            }
            // join: burst 40 at 20/s.
            assertAllowedWithinBucket(60 - refused, 40, 20, started);
            // Not executed: leaving the refused room leaves nothing.
            JsonNode left = client.request("leave", Map.of("rooms", List.of(refusedRoom)));
            assertEquals(0, left.path("data").path("rooms").size());
        }
    }

    @Test
    void aJoinIsChargedOneTokenPerRoomItNames() {
        try (WsClient client = WsClient.withBearer(base, Tokens.user("greedy"))) {
            JsonNode first = client.request("join", Map.of("rooms", numberedRooms("live:greedy-a-", 30)));
            assertEquals("ack", first.path("event").asText(), first.toString());
            JsonNode second = client.request("join", Map.of("rooms", numberedRooms("live:greedy-b-", 30)));
            assertEquals(
                    "RATE_LIMITED", second.path("data").path("code").asText(), "30 rooms, then 30 more: " + second);
            // The wait covers what the second join costs: (30 - what is left of the burst of 40) at 20 tokens per
            // second.
            assertTrue(second.path("data").path("retryAfterMs").asLong() >= 900, second.toString());
            JsonNode left = client.request("leave", Map.of("rooms", List.of("live:greedy-b-0")));
            assertEquals(0, left.path("data").path("rooms").size(), "the refused join was not executed");
        }
    }

    private static List<String> numberedRooms(String prefix, int count) {
        List<String> rooms = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            rooms.add(prefix + i);
        }
        return rooms;
    }

    @Test
    void allFramesShareOneBucketOfBurstOneHundred() {
        try (WsClient client = WsClient.withBearer(base, Tokens.user("chatty"))) {
            long started = System.nanoTime();
            for (int i = 0; i < 130; i++) {
                client.send("{\"event\":\"ping\",\"id\":\"p" + i + "\"}");
            }
            int limited = 0;
            for (int i = 0; i < 130; i++) {
                JsonNode reply = client.awaitReply("p" + i);
                if ("error".equals(reply.path("event").asText())) {
                    assertEquals("RATE_LIMITED", reply.path("data").path("code").asText());
                    limited++;
                }
            }
            // all: burst 100 at 50/s.
            assertAllowedWithinBucket(130 - limited, 100, 50, started);
            assertFalse(client.isClosed(), "rate limiting never closes the socket");
            assertTrue(Metrics.value("roomcast_rate_limited_total{event=\"ping\"}") >= 1, "ping counted");
        }
    }

    /**
     * A bucket lets through at least its burst, and at most its burst plus what it refilled while the frames were
     * handled (bounded by the time from the first send to the last reply).
     */
    private static void assertAllowedWithinBucket(int allowed, int burst, double rate, long startedNanos) {
        double elapsedSeconds = (System.nanoTime() - startedNanos) / 1e9;
        int ceiling = burst + (int) Math.ceil(rate * elapsedSeconds);
        assertTrue(
                allowed >= burst && allowed <= ceiling,
                "allowed " + allowed + ", expected between " + burst + " and " + ceiling + " over " + elapsedSeconds
                        + " s");
    }
}
