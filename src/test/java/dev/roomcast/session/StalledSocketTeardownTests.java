package dev.roomcast.session;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.roomcast.testing.ChatFixtures;
import dev.roomcast.testing.Metrics;
import dev.roomcast.testing.Pod;
import dev.roomcast.testing.ServicesResource;
import dev.roomcast.testing.StalledClient;
import dev.roomcast.testing.Tokens;
import dev.roomcast.testing.WsClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * A reader that never reads again holds no socket for long. Closed with 4008, its close frame waits behind what it
 * did not read, so the close handshake never ends (Vert.x's own closing timeout starts only once the frame is out);
 * the transport's idle timeout, derived as twice the heartbeat timeout, tears the connection down.
 */
@QuarkusTest
@TestProfile(StalledSocketTeardownTests.ShortHeartbeat.class)
@WithTestResource(ServicesResource.class)
class StalledSocketTeardownTests {

    @TestHTTPResource("/")
    URI base;

    @Test
    void aStalledSocketIsTornDownAfterItsClose() {
        String room = ChatFixtures.room(base, "teardown-owner", "teardown", "teardown-member");
        double connected = Metrics.value("roomcast_connections");
        double closedBefore = closes();
        try (StalledClient slow = StalledClient.connect(base, Tokens.user("teardown-member"))) {
            slow.send(WsClient.frame("join", "j", Map.of("rooms", List.of(room))));
            Awaitility.await()
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> given().auth()
                            .oauth2(Tokens.user("teardown-owner"))
                            .get("/api/rooms/" + room + "/presence")
                            .then()
                            .extract()
                            .path("users.size()")
                            .equals(1));
            // It writes (heartbeats), so only the budget closes it.
            ChatFixtures.postUntil(
                    base,
                    "teardown-owner",
                    room,
                    1000,
                    () -> closes() > closedBefore,
                    () -> slow.send(WsClient.frame("heartbeat", null, Map.of())));
            assertTrue(closes() > closedBefore, "the stalled reader was closed with 4008");
            // It never reads again, nor answers the close: the server drops the socket on its own.
            Awaitility.await()
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> Metrics.value("roomcast_connections") == connected);
        }
    }

    private static double closes() {
        return Metrics.value("roomcast_closes_total{code=\"4008\"}");
    }

    public static class ShortHeartbeat implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // The room's writer posts hundreds of messages over REST at full speed.
            Map<String, String> config = new HashMap<>(Pod.UNLIMITED_RATES);
            config.put("roomcast.slow-consumer.max-queued-bytes", "65536");
            config.put("roomcast.heartbeat.timeout", "3s");
            return config;
        }
    }
}
