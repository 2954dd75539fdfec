package dev.roomcast.node;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.roomcast.testing.Pod;
import dev.roomcast.testing.Pods;
import dev.roomcast.testing.RedisCli;
import dev.roomcast.testing.Tokens;
import dev.roomcast.testing.WsClient;
import io.restassured.http.ContentType;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two instances of the packaged application on one Redis (PROTOCOL.md section 7): delivery across pods for every
 * target type, exclude, the raw emitter contract, a pod ignoring its own serverId, and Redis subscriptions that
 * follow local membership. Absence is proven with marker events sent after the event that must not arrive: one
 * publisher's messages reach each pod in order.
 */
class MultiPodIT {

    private static final int PER_USER = 3;

    @RegisterExtension
    static final Pods PODS = Pods.of(
                    "multipod-1", Map.of("roomcast.max-connections-per-user", String.valueOf(PER_USER)))
            .and("multipod-2", Map.of("roomcast.max-connections-per-user", String.valueOf(PER_USER)));

    private static void emit(Pod via, Map<String, Object> body) {
        given().baseUri(via.base().toString())
                .auth()
                .oauth2(Tokens.admin("ops"))
                .contentType(ContentType.JSON)
                .body(body)
                .post("/api/emit")
                .then()
                .statusCode(202);
    }

    private static boolean is(JsonNode frame, String event) {
        return event.equals(frame.path("event").asText());
    }

    @Test
    void eachPodHasItsOwnServerIdAndClientIdsAreUniqueAcrossPods() {
        try (WsClient a = WsClient.withBearer(PODS.first().base(), Tokens.user("ids"));
                WsClient b = WsClient.withBearer(PODS.second().base(), Tokens.user("ids"))) {
            assertNotEquals(
                    a.connectedFrame().path("data").path("pod").asText(),
                    b.connectedFrame().path("data").path("pod").asText());
            assertNotEquals(a.clientId(), b.clientId());
        }
    }

    @Test
    void publishReachesTheRoomOnEveryPod() {
        try (WsClient alice = WsClient.withBearer(PODS.first().base(), Tokens.user("alice"));
                WsClient bob = WsClient.withBearer(PODS.second().base(), Tokens.user("bob"));
                WsClient carol = WsClient.withBearer(PODS.second().base(), Tokens.user("carol"))) {
            alice.join("live:cross");
            bob.join("live:cross");
            carol.join("live:elsewhere");
            bob.request("publish", Map.of("room", "live:cross", "event", "hello", "data", Map.of("n", 1)));
            JsonNode frame = alice.awaitEvent("hello");
            assertEquals("live:cross", frame.path("room").asText());
            assertEquals("bob", frame.path("from").path("userId").asText());
            assertEquals(bob.clientId(), frame.path("from").path("clientId").asText());
            alice.request("publish", Map.of("room", "live:cross", "event", "reply"));
            assertEquals(
                    "alice", bob.awaitEvent("reply").path("from").path("userId").asText());
            bob.assertNothingBeforePong(f -> is(f, "hello"), "its own publish");
            carol.assertNothingBeforePong(f -> is(f, "hello") || is(f, "reply"), "another room's events");
        }
    }

    @Test
    void userClientAndBroadcastEmitsReachEveryPodAndExcludeHolds() {
        try (WsClient aliceOne = WsClient.withBearer(PODS.first().base(), Tokens.user("dana"));
                WsClient aliceTwo = WsClient.withBearer(PODS.second().base(), Tokens.user("dana"));
                WsClient eve = WsClient.withBearer(PODS.second().base(), Tokens.user("eve"))) {
            emit(PODS.first(), Map.of("type", "user", "target", "dana", "event", "to.user", "data", 1));
            assertTrue(aliceOne.awaitEvent("to.user").path("room").isMissingNode());
            assertTrue(aliceTwo.awaitEvent("to.user").path("room").isMissingNode());

            emit(PODS.first(), Map.of("type", "client", "target", eve.clientId(), "event", "to.client"));
            eve.awaitEvent("to.client");

            emit(
                    PODS.second(),
                    Map.of("type", "broadcast", "event", "to.all", "exclude", List.of(aliceOne.clientId())));
            aliceTwo.awaitEvent("to.all");
            eve.awaitEvent("to.all");
            emit(PODS.second(), Map.of("type", "broadcast", "event", "marker"));
            aliceOne.awaitEvent("marker");
            List<JsonNode> seen = aliceOne.drain();
            assertTrue(seen.stream().noneMatch(f -> is(f, "to.all")), "excluded, yet received: " + seen);
            assertTrue(eve.drain().stream().noneMatch(f -> is(f, "to.user")), "another user's event");
        }
    }

    @Test
    void anyProcessCanEmitThroughRedisToClientsOnEveryPod() {
        try (WsClient onOne = WsClient.withBearer(PODS.first().base(), Tokens.user("frank"));
                WsClient onTwo = WsClient.withBearer(PODS.second().base(), Tokens.user("frank"))) {
            onOne.join("live:jobs");
            onTwo.join("live:jobs");
            RedisCli.publish(
                    "ws:room:live:jobs",
                    "{\"serverId\":\"emitter\",\"type\":\"room\",\"target\":\"live:jobs\",\"event\":\"job.progress\",\"data\":50}");
            RedisCli.publish(
                    "ws:user:frank",
                    "{\"serverId\":\"emitter\",\"type\":\"user\",\"target\":\"frank\",\"event\":\"job.done\",\"data\":{\"id\":7}}");
            RedisCli.publish(
                    "ws:client:" + onTwo.clientId(),
                    "{\"serverId\":\"emitter\",\"type\":\"client\",\"target\":\"" + onTwo.clientId()
                            + "\",\"event\":\"just.you\"}");
            RedisCli.publish(
                    "ws:broadcast", "{\"serverId\":\"emitter\",\"type\":\"broadcast\",\"event\":\"everyone\"}");
            for (WsClient client : List.of(onOne, onTwo)) {
                assertEquals(50, client.awaitEvent("job.progress").path("data").asInt());
                assertEquals(
                        7, client.awaitEvent("job.done").path("data").path("id").asInt());
                client.awaitEvent("everyone");
            }
            onTwo.awaitEvent("just.you");
            assertTrue(onOne.drain().stream().noneMatch(f -> is(f, "just.you")), "another client's event");
        }
    }

    @Test
    void aPodIgnoresMessagesCarryingItsOwnServerId() {
        try (WsClient onOne = WsClient.withBearer(PODS.first().base(), Tokens.user("gina"));
                WsClient onTwo = WsClient.withBearer(PODS.second().base(), Tokens.user("gina"))) {
            String serverIdOfOne =
                    onOne.connectedFrame().path("data").path("pod").asText();
            RedisCli.publish(
                    "ws:broadcast",
                    "{\"serverId\":\"" + serverIdOfOne + "\",\"type\":\"broadcast\",\"event\":\"looped\"}");
            RedisCli.publish("ws:broadcast", "{\"serverId\":\"emitter\",\"type\":\"broadcast\",\"event\":\"marker\"}");
            onTwo.awaitEvent("looped");
            onOne.awaitEvent("marker");
            assertTrue(
                    onOne.drain().stream().noneMatch(f -> is(f, "looped")), "pod one delivered its own message again");
        }
    }

    @Test
    void aUsersConnectionLimitHoldsAcrossPods() {
        String user = "capped-" + System.nanoTime();
        WsClient first = WsClient.withBearer(PODS.first().base(), Tokens.user(user));
        try (WsClient second = WsClient.withBearer(PODS.first().base(), Tokens.user(user));
                WsClient third = WsClient.withBearer(PODS.second().base(), Tokens.user(user))) {
            assertEquals(
                    429, WsClient.refusedStatus(PODS.second().base(), "access_token=" + Tokens.user(user), Map.of()));
            try (WsClient late = WsClient.open(PODS.first().base())) {
                late.send(WsClient.frame("authenticate", "a", Map.of("token", Tokens.user(user))));
                assertEquals(1008, late.awaitClose());
            }
            first.close();
            WsClient fourth = await().atMost(Duration.ofSeconds(10))
                    .until(
                            () -> {
                                try {
                                    return WsClient.withBearer(PODS.second().base(), Tokens.user(user));
                                } catch (IllegalStateException refused) {
                                    return null;
                                }
                            },
                            client -> client != null);
            fourth.close();
        } finally {
            first.close();
        }
    }

    @Test
    void eachPodSubscribesToARoomOnlyWhileItHasALocalMember() {
        String channel = "ws:room:live:members";
        try (WsClient onOne = WsClient.withBearer(PODS.first().base(), Tokens.user("hank"));
                WsClient onTwo = WsClient.withBearer(PODS.second().base(), Tokens.user("hank"))) {
            onOne.join("live:members");
            assertEquals(1, RedisCli.subscribers(channel));
            onTwo.join("live:members");
            assertEquals(2, RedisCli.subscribers(channel));
            onTwo.request("leave", Map.of("rooms", List.of("live:members")));
            await().atMost(Duration.ofSeconds(5)).until(() -> RedisCli.subscribers(channel) == 1);
            // One client pattern per pod and no pattern over rooms: a pod never receives other rooms' traffic.
            List<Integer> patternsPerConnection = RedisCli.run("CLIENT", "LIST")
                    .lines()
                    .map(line -> Integer.parseInt(line.replaceAll(".*\\bpsub=(\\d+).*", "$1")))
                    .toList();
            assertTrue(
                    patternsPerConnection.stream().allMatch(n -> n <= 1),
                    "patterns per connection " + patternsPerConnection);
            assertTrue(
                    patternsPerConnection.stream().filter(n -> n == 1).count() >= 2,
                    "a pattern per pod " + patternsPerConnection);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> RedisCli.subscribers(channel) == 0);
    }
}
