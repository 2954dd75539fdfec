package dev.roomcast.broker;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.roomcast.protocol.Channels;
import dev.roomcast.testing.Metrics;
import dev.roomcast.testing.RedisCli;
import dev.roomcast.testing.ServicesResource;
import dev.roomcast.testing.Tokens;
import dev.roomcast.testing.WsClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Redis broker: the contract, plus the channels, the emitter contract and subscription lifecycle of section 7. */
@QuarkusTest
@WithTestResource(ServicesResource.class)
class RedisBrokerTests extends BrokerContractTests {

    @Override
    protected void assertInterest(String channel, boolean expected) {
        await().atMost(Duration.ofSeconds(5)).until(() -> RedisCli.subscribers(channel) == (expected ? 1 : 0));
    }

    @Test
    void thePodSubscribesToARoomOnlyWhileItHasALocalMember() {
        String channel = Channels.room("live:lifecycle");
        assertEquals(0, RedisCli.subscribers(channel));
        try (WsClient first = WsClient.withBearer(base, Tokens.user("l1"));
                WsClient second = WsClient.withBearer(base, Tokens.user("l2"))) {
            first.join("live:lifecycle");
            // Acknowledged only once the subscription is active.
            assertEquals(1, RedisCli.subscribers(channel));
            second.join("live:lifecycle");
            first.request("leave", Map.of("rooms", List.of("live:lifecycle")));
            assertEquals(1, RedisCli.subscribers(channel), "still a local member");
            second.request("leave", Map.of("rooms", List.of("live:lifecycle")));
            await().atMost(Duration.ofSeconds(5)).until(() -> RedisCli.subscribers(channel) == 0);
            second.join("live:lifecycle");
            assertEquals(1, RedisCli.subscribers(channel));
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> RedisCli.subscribers(channel) == 0);
    }

    @Test
    void userChannelsFollowTheUsersSessionsAndClientsNeedNoChannelOfTheirOwn() {
        String channel = Channels.user("sub-user");
        try (WsClient session = WsClient.withBearer(base, Tokens.user("sub-user"))) {
            assertEquals(1, RedisCli.subscribers(channel));
            assertEquals(0, RedisCli.subscribers(Channels.client(session.clientId())));
            // One pattern for all of this pod's clients; no pattern over rooms.
            assertEquals("1", RedisCli.run("PUBSUB", "NUMPAT"));
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> RedisCli.subscribers(channel) == 0);
    }

    @Test
    void anyProcessMayPublishTheEmitterBodyIntoEachChannel() {
        try (WsClient alice = WsClient.withBearer(base, Tokens.user("emit-alice"));
                WsClient bob = WsClient.withBearer(base, Tokens.user("emit-bob"))) {
            alice.join("live:emitter");
            RedisCli.publish(
                    "ws:room:live:emitter",
                    "{\"serverId\":\"emitter\",\"type\":\"room\",\"target\":\"live:emitter\",\"event\":\"r.ev\",\"data\":{\"k\":[1,2]}}");
            RedisCli.publish(
                    "ws:user:emit-bob",
                    "{\"serverId\":\"emitter\",\"type\":\"user\",\"target\":\"emit-bob\",\"event\":\"job.done\",\"data\":{\"id\":7}}");
            RedisCli.publish(
                    "ws:client:" + alice.clientId(),
                    "{\"serverId\":\"emitter\",\"type\":\"client\",\"target\":\"" + alice.clientId()
                            + "\",\"event\":\"c.ev\"}");
            RedisCli.publish(
                    "ws:broadcast",
                    "{\"serverId\":\"emitter\",\"type\":\"broadcast\",\"event\":\"b.ev\",\"exclude\":[\""
                            + bob.clientId() + "\"]}");
            JsonNode room = alice.awaitEvent("r.ev");
            assertEquals("live:emitter", room.path("room").asText());
            assertEquals(2, room.path("data").path("k").get(1).asInt());
            assertEquals(7, bob.awaitEvent("job.done").path("data").path("id").asInt());
            assertTrue(alice.awaitEvent("c.ev").path("room").isMissingNode());
            alice.awaitEvent("b.ev");
            RedisCli.publish("ws:broadcast", "{\"serverId\":\"emitter\",\"type\":\"broadcast\",\"event\":\"marker\"}");
            bob.awaitEvent("marker");
            assertTrue(
                    bob.drain().stream()
                            .noneMatch(f -> "b.ev".equals(f.path("event").asText())),
                    "bob was excluded");
        }
    }

    @Test
    void messagesCarryingThisPodsServerIdAreIgnoredAndInvalidBodiesDropped() {
        try (WsClient client = WsClient.withBearer(base, Tokens.user("self"))) {
            double invalidBefore = invalidDrops();
            RedisCli.publish(
                    "ws:broadcast",
                    "{\"serverId\":\"" + node.serverId() + "\",\"type\":\"broadcast\",\"event\":\"echo\"}");
            RedisCli.publish(
                    "ws:broadcast", "{\"serverId\":\"emitter\",\"type\":\"broadcast\",\"event\":\"connected\"}");
            RedisCli.publish("ws:broadcast", "not json at all");
            RedisCli.publish(
                    "ws:broadcast",
                    "{\"serverId\":\"emitter\",\"type\":\"room\",\"target\":\"live:x\",\"event\":\"misrouted\"}");
            RedisCli.publish("ws:broadcast", "{\"serverId\":\"emitter\",\"type\":\"broadcast\",\"event\":\"marker\"}");
            client.awaitEvent("marker");
            List<JsonNode> before = client.drain();
            assertTrue(before.isEmpty(), "nothing but the marker: " + before);
            assertEquals(
                    3.0, invalidDrops() - invalidBefore, "the reserved event, the non-JSON body and the misrouted one");
        }
    }

    private static double invalidDrops() {
        return Metrics.value("roomcast_dropped_total{reason=\"invalid\"}");
    }
}
