package dev.roomcast.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.roomcast.testing.ServicesResource;
import dev.roomcast.testing.ShortLimitsProfile;
import dev.roomcast.testing.Tokens;
import dev.roomcast.testing.WsClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The 1008 rule counts consecutive BAD_REQUEST or UNKNOWN_EVENT answers only: a RATE_LIMITED answer in between breaks
 * the run. The profile allows two joins with next to no refill, so the third join is RATE_LIMITED whatever the timing.
 */
@QuarkusTest
@TestProfile(ShortLimitsProfile.class)
@WithTestResource(ServicesResource.class)
class InvalidRunTests {

    @TestHTTPResource("/")
    URI base;

    @Test
    void aRateLimitedAnswerBreaksTheRunOfInvalidFrames() {
        try (WsClient client = WsClient.withBearer(base, Tokens.user("breaker"))) {
            client.join("live:a");
            client.join("live:b");
            for (int i = 0; i < 19; i++) {
                client.send("nope");
            }
            assertEquals(
                    "RATE_LIMITED",
                    client.request("join", Map.of("rooms", List.of("live:c")))
                            .path("data")
                            .path("code")
                            .asText());
            client.send("nope");
            assertEquals("pong", client.request("ping", null).path("event").asText());
            assertEquals(
                    20,
                    client.drain().stream()
                            .filter(f -> "BAD_REQUEST"
                                    .equals(f.path("data").path("code").asText()))
                            .count());
            assertFalse(client.isClosed());
        }
    }
}
