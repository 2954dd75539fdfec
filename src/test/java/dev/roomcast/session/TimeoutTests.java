package dev.roomcast.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.net.URI;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.roomcast.testing.ServicesResource;
import dev.roomcast.testing.ShortLimitsProfile;
import dev.roomcast.testing.Tokens;
import dev.roomcast.testing.WsClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * PROTOCOL.md section 2 timeouts with short settings (auth 1 s, heartbeat 2 s, no clock skew): 4001, 4002, 4005,
 * and activity (frames, WebSocket control pings) keeping a socket alive. Waits are on the server's close, bounded by
 * the client's own limit; the keep-alive loops are bounded in count.
 */
@QuarkusTest
@TestProfile(ShortLimitsProfile.class)
@WithTestResource(ServicesResource.class)
class TimeoutTests {

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
            assertEquals(1000, client.connectedFrame().path("data").path("heartbeatMs").asLong());
            assertEquals(4002, client.awaitClose());
        }
    }

    @Test
    void heartbeatsAndControlPingsKeepTheSocketOpen() throws InterruptedException {
        try (WsClient client = WsClient.withBearer(base, Tokens.user("lively"))) {
            // 3.5 s of activity at the advertised interval (1 s) outlives the 2 s timeout.
            for (int i = 0; i < 7; i++) {
                if (i % 2 == 0) {
                    client.send("{\"event\":\"heartbeat\"}");
                } else {
                    client.sendControlPing();
                }
                Thread.sleep(500);
            }
            assertFalse(client.isClosed());
            assertEquals("pong", client.request("ping", null).path("event").asText());
        }
    }

    @Test
    void anExpiredTokenWithoutRefreshClosesWith4005() {
        try (WsClient client = WsClient.withBearer(base, Tokens.expiringAt("brief", Instant.now().plusSeconds(2)))) {
            // Heartbeats keep it from timing out first.
            long deadline = System.nanoTime() + 8_000_000_000L;
            while (!client.isClosed() && System.nanoTime() < deadline) {
                client.sendIfOpen("{\"event\":\"heartbeat\"}");
                Thread.sleep(300);
            }
            assertEquals(4005, client.awaitClose());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void aRefreshedTokenKeepsTheSocketPastTheOldExpiry() throws InterruptedException {
        try (WsClient client = WsClient.withBearer(base, Tokens.expiringAt("renewed", Instant.now().plusSeconds(2)))) {
            client.request("refresh", Map.of("token", Tokens.expiringAt("renewed", Instant.now().plusSeconds(3600))));
            for (int i = 0; i < 8; i++) {
                client.send("{\"event\":\"heartbeat\"}");
                Thread.sleep(500);
            }
            assertFalse(client.isClosed());
        }
    }
}
