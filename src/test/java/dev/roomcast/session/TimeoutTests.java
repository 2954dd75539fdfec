package dev.roomcast.session;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.roomcast.testing.ServicesResource;
import dev.roomcast.testing.ShortLimitsProfile;
import dev.roomcast.testing.SseClient;
import dev.roomcast.testing.Tokens;
import dev.roomcast.testing.WsClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * PROTOCOL.md section 2 timeouts with short settings (auth 1 s, heartbeat 2 s, no clock skew): 4001, 4002, 4005,
 * and activity (frames, WebSocket control pings) keeping a socket alive. Waits are on the server's close, bounded by
 * the client's own limit; keep-alives run at the advertised interval for a bounded time.
 */
@QuarkusTest
@TestProfile(ShortLimitsProfile.class)
@WithTestResource(ServicesResource.class)
class TimeoutTests {

    /** Half the 2 s heartbeat timeout, as {@code connected.heartbeatMs} advertises it. */
    private static final Duration ADVERTISED = Duration.ofSeconds(1);

    @TestHTTPResource("/")
    URI base;

    @Test
    void anUnauthenticatedSocketIsClosedWith4001() {
        try (WsClient client = WsClient.open(base)) {
            assertEquals("pong", client.request("ping", null).path("event").asText());
            assertEquals(4001, client.awaitClose());
        }
    }

    @Test
    void connectedAdvertisesHalfTheHeartbeatTimeoutAndSilenceClosesWith4002() {
        try (WsClient client = WsClient.withBearer(base, Tokens.user("quiet"))) {
            assertEquals(
                    1000,
                    client.connectedFrame().path("data").path("heartbeatMs").asLong());
            assertEquals(4002, client.awaitClose());
        }
    }

    @Test
    void heartbeatsAndControlPingsKeepTheSocketOpen() {
        try (WsClient client = WsClient.withBearer(base, Tokens.user("lively"))) {
            boolean[] control = {false};
            try (Beats beats = Beats.every(ADVERTISED, () -> {
                // Alternately a heartbeat frame and a WebSocket ping: both are activity.
                control[0] = !control[0];
                if (control[0]) {
                    client.sendControlPing();
                } else {
                    client.sendIfOpen("{\"event\":\"heartbeat\"}");
                }
            })) {
                // Open for well past the 2 s timeout while the client keeps to the advertised interval.
                await().during(Duration.ofMillis(3500))
                        .atMost(Duration.ofSeconds(6))
                        .until(() -> !client.isClosed());
            }
            assertEquals("pong", client.request("ping", null).path("event").asText());
        }
    }

    @Test
    void anExpiredTokenClosesWith4005EvenWhenActive() {
        try (WsClient client = WsClient.withBearer(
                        base, Tokens.expiringAt("brief", Instant.now().plusSeconds(2)));
                Beats beats = Beats.every(ADVERTISED, () -> client.sendIfOpen("{\"event\":\"heartbeat\"}"))) {
            // Heartbeats keep it from timing out first.
            assertEquals(4005, client.awaitClose());
        }
    }

    @Test
    void aRefreshedTokenKeepsTheSocketPastTheOldExpiry() {
        try (WsClient client = WsClient.withBearer(
                base, Tokens.expiringAt("renewed", Instant.now().plusSeconds(2)))) {
            client.request(
                    "refresh",
                    Map.of("token", Tokens.expiringAt("renewed", Instant.now().plusSeconds(3600))));
            try (Beats beats = Beats.every(ADVERTISED, () -> client.sendIfOpen("{\"event\":\"heartbeat\"}"))) {
                await().during(Duration.ofSeconds(4))
                        .atMost(Duration.ofSeconds(6))
                        .until(() -> !client.isClosed());
            }
        }
    }

    /** PROTOCOL.md section 11: a stream's client never writes; the server's comments keep the path busy instead. */
    @Test
    void aSilentSseStreamHearsCommentsAndIsNeverClosedForMissingHeartbeats() {
        try (SseClient client = SseClient.withBearer(base, Tokens.user("quiet-stream"))) {
            long heartbeatMs =
                    client.connectedFrame().path("data").path("heartbeatMs").asLong();
            await().during(Duration.ofMillis(4 * heartbeatMs))
                    .atMost(Duration.ofMillis(6 * heartbeatMs))
                    .until(() -> !client.isClosed());
            assertTrue(client.comments() >= 3, "comments: " + client.comments());
            assertTrue(
                    client.longestSilenceMillis() < 2 * heartbeatMs,
                    "a client reconnects after 2 x heartbeatMs without a byte: " + client.longestSilenceMillis());
            assertEquals("pong", client.request("ping", null).path("event").asText());
        }
    }

    @Test
    void anExpiredTokenEndsAnSseStreamWithA4005CloseFrame() {
        try (SseClient client = SseClient.withBearer(
                base, Tokens.expiringAt("brief-stream", Instant.now().plusSeconds(2)))) {
            assertEquals(4005, client.awaitClose());
            assertEquals(
                    "token expired",
                    client.closeFrame().path("data").path("reason").asText());
        }
    }

    /** A client's keep-alive: an action at a fixed interval on a thread of its own, until closed. */
    private record Beats(ScheduledExecutorService timer) implements AutoCloseable {

        static Beats every(Duration interval, Runnable beat) {
            ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
            timer.scheduleAtFixedRate(beat, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
            return new Beats(timer);
        }

        /** Stops the beats and waits for one in flight, so that the test thread sends alone afterwards. */
        @Override
        public void close() {
            timer.shutdownNow();
            try {
                timer.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
