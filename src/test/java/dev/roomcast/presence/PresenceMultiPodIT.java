package dev.roomcast.presence;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.roomcast.testing.Ids;
import dev.roomcast.testing.Pod;
import dev.roomcast.testing.Pods;
import dev.roomcast.testing.Tokens;
import dev.roomcast.testing.WsClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Presence across real pods on one Redis (PROTOCOL.md section 4): a user with tabs on two pods is announced once and
 * leaves once; {@code presence.get} counts clients on every pod; a pod killed with SIGKILL has its clients taken out
 * of presence by the survivors, with {@code presence.leave}, within {@code roomcast.presence.ttl} + 5 s.
 */
class PresenceMultiPodIT {

    private static final Duration TTL = Duration.ofSeconds(3);
    private static final Map<String, String> CONFIG = Map.of("roomcast.presence.ttl", TTL.toSeconds() + "s");

    @RegisterExtension
    static final Pods PODS = Pods.of("presence-1", CONFIG).and("presence-2", CONFIG);

    private static boolean isPresenceOf(JsonNode frame, String... userIds) {
        return frame.path("event").asText().startsWith("presence.")
                && List.of(userIds).contains(frame.path("data").path("userId").asText());
    }

    private static JsonNode nextPresence(WsClient client, String... userIds) {
        return client.awaitFrame(frame -> isPresenceOf(frame, userIds), "presence of " + List.of(userIds));
    }

    private static void assertPresence(JsonNode frame, String event, String userId) {
        assertEquals(event, frame.path("event").asText(), frame.toString());
        assertEquals(userId, frame.path("data").path("userId").asText(), frame.toString());
    }

    @Test
    void aUserWithTabsOnTwoPodsIsAnnouncedOnceAndLeavesOnce() {
        String room = "live:" + Ids.unique("tabs");
        String user = Ids.unique("tabs");
        String marker = Ids.unique("marker");
        try (WsClient watcher = WsClient.withBearer(PODS.first().base(), Tokens.user(Ids.unique("watcher")))) {
            watcher.join(room);
            try (WsClient tabOne = WsClient.withBearer(PODS.first().base(), Tokens.user(user));
                    WsClient tabTwo = WsClient.withBearer(PODS.second().base(), Tokens.user(user))) {
                tabOne.join(room);
                tabTwo.join(room);
                assertPresence(nextPresence(watcher, user, marker), "presence.join", user);
                JsonNode present = tabTwo.request("presence.get", Map.of("room", room))
                        .path("data")
                        .path("users");
                JsonNode entry = null;
                for (JsonNode item : present) {
                    if (user.equals(item.path("userId").asText())) {
                        entry = item;
                    }
                }
                assertTrue(entry != null && entry.path("clients").asInt() == 2, "both tabs counted: " + present);
                tabOne.request("leave", Map.of("rooms", List.of(room)));
                try (WsClient markerClient = WsClient.withBearer(PODS.second().base(), Tokens.user(marker))) {
                    markerClient.join(room);
                    assertPresence(nextPresence(watcher, user, marker), "presence.join", marker);
                }
                assertPresence(nextPresence(watcher, user, marker), "presence.leave", marker);
            }
            assertPresence(nextPresence(watcher, user, marker), "presence.leave", user);
            watcher.assertNothingBeforePong(frame -> isPresenceOf(frame, user), "a second presence event of " + user);
        }
    }

    @Test
    void aKilledPodsClientsLeavePresenceWithinTheTtl() {
        String room = "live:" + Ids.unique("crash");
        String victim = Ids.unique("victim");
        Pod doomed = Pod.start("presence-doomed", CONFIG);
        try (WsClient watcher = WsClient.withBearer(PODS.first().base(), Tokens.user(Ids.unique("watcher")))) {
            watcher.join(room);
            WsClient onDoomed = WsClient.withBearer(doomed.base(), Tokens.user(victim));
            onDoomed.join(room);
            assertPresence(nextPresence(watcher, victim), "presence.join", victim);
            given().baseUri(PODS.second().base().toString())
                    .auth()
                    .oauth2(Tokens.user("asker"))
                    .get("/api/users/" + victim + "/presence")
                    .then()
                    .statusCode(200)
                    .body("online", equalTo(true))
                    .body("clients", equalTo(1));

            long killedAt = System.nanoTime();
            doomed.kill();
            JsonNode left = nextPresence(watcher, victim);
            Duration took = Duration.ofNanos(System.nanoTime() - killedAt);

            assertPresence(left, "presence.leave", victim);
            assertTrue(took.compareTo(TTL.plusSeconds(5)) <= 0, "presence.leave after " + took);
            assertEquals(
                    0,
                    watcher.request("presence.get", Map.of("room", room))
                                    .path("data")
                                    .path("users")
                                    .size()
                            - 1,
                    "only the watcher is left");
            given().baseUri(PODS.second().base().toString())
                    .auth()
                    .oauth2(Tokens.user("asker"))
                    .get("/api/users/" + victim + "/presence")
                    .then()
                    .statusCode(200)
                    .body("online", equalTo(false))
                    .body("clients", equalTo(0))
                    .body("lastSeen", notNullValue());
            watcher.assertNothingBeforePong(frame -> isPresenceOf(frame, victim), "a second presence.leave");
            onDoomed.close();
        } finally {
            doomed.close();
        }
    }
}
