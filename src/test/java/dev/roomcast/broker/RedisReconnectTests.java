package dev.roomcast.broker;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.roomcast.testing.LocalServices;
import dev.roomcast.testing.Management;
import dev.roomcast.testing.RedisCli;
import dev.roomcast.testing.ServicesResource;
import dev.roomcast.testing.Tokens;
import dev.roomcast.testing.WsClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The Redis broker across a Redis restart (the real server, stopped and started on its port): readiness follows
 * the link, a join during the outage fails rather than being acknowledged without a subscription, a session that
 * cannot get its user channel closes with 1011, and after the restart the pod resubscribes on its own so that
 * deliveries resume.
 */
@QuarkusTest
@WithTestResource(ServicesResource.class)
class RedisReconnectTests {

    @TestHTTPResource("/")
    URI base;

    @AfterEach
    void redisIsBack() {
        LocalServices.run("start-redis");
        await().atMost(Duration.ofSeconds(20)).until(() -> Management.readinessStatus() == 200);
    }

    @Test
    void podsResubscribeAfterARedisRestartAndJoinsNeverOutrunTheSubscription() {
        try (WsClient member = WsClient.withBearer(base, Tokens.user("survivor"))) {
            member.join("live:restart");

            LocalServices.run("stop-redis");
            await().atMost(Duration.ofSeconds(10)).until(() -> Management.readinessStatus() == 503);
            JsonNode refused =
                    member.join("live:during-outage").path("data").path("rooms").get(0);
            assertEquals(false, refused.path("joined").asBoolean(), refused.toString());
            assertEquals("INTERNAL", refused.path("error").path("code").asText());
            // A new session cannot get its user channel: it is closed with 1011 rather than told connected.
            try (WsClient newcomer =
                    WsClient.open(base, null, Map.of("Authorization", "Bearer " + Tokens.user("newcomer")))) {
                assertEquals(1011, newcomer.awaitClose());
                assertTrue(newcomer.drain().isEmpty(), "no connected frame");
            }

            LocalServices.run("start-redis");
            await().atMost(Duration.ofSeconds(20)).until(() -> Management.readinessStatus() == 200);
            // Readiness waits for the permanent subscriptions; room channels are resubscribed in the same batch.
            await().atMost(Duration.ofSeconds(5)).until(() -> RedisCli.subscribers("ws:room:live:restart") == 1);
            RedisCli.publish(
                    "ws:room:live:restart",
                    "{\"serverId\":\"emitter\",\"type\":\"room\",\"target\":\"live:restart\",\"event\":\"back\"}");
            assertEquals("live:restart", member.awaitEvent("back").path("room").asText());

            assertTrue(member.join("live:after-restart")
                    .path("data")
                    .path("rooms")
                    .get(0)
                    .path("joined")
                    .asBoolean());
            assertEquals(1, RedisCli.subscribers("ws:room:live:after-restart"));
            assertEquals(
                    0, RedisCli.subscribers("ws:room:live:during-outage"), "the refused join left no interest behind");
        }
    }
}
