package dev.roomcast.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.roomcast.testing.ServicesResource;
import dev.roomcast.testing.Tokens;
import dev.roomcast.testing.WsClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;

/**
 * PROTOCOL.md section 8: token buckets per connection; a refused frame gets RATE_LIMITED with retryAfterMs and is
 * not executed. Bursts are sent faster than any bucket refills, so the counts below do not depend on timing.
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
            // join: burst 40 at 20/s; the 60 frames arrive well within a second.
            assertTrue(refused >= 10 && refused <= 20, "refused " + refused);
            // Not executed: leaving the refused room leaves nothing.
            JsonNode left = client.request("leave", Map.of("rooms", List.of(refusedRoom)));
            assertEquals(0, left.path("data").path("rooms").size());
        }
    }

    @Test
    void allFramesShareOneBucketOfBurstOneHundred() {
        try (WsClient client = WsClient.withBearer(base, Tokens.user("chatty"))) {
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
            assertTrue(limited >= 20 && limited <= 30, "limited " + limited);
            assertFalse(client.isClosed(), "rate limiting never closes the socket");
            String metrics = RestAssured.get("/q/metrics").asString();
            assertTrue(metrics.matches("(?s).*roomcast_rate_limited_total\\{event=\"ping\"[^}]*} [1-9].*"), "ping counted");
        }
    }
}
