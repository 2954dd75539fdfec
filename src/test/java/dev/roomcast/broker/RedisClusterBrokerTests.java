package dev.roomcast.broker;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.roomcast.protocol.Channels;
import dev.roomcast.testing.ClusterServicesResource;
import dev.roomcast.testing.LocalRedisCluster;
import dev.roomcast.testing.Management;
import dev.roomcast.testing.Tokens;
import dev.roomcast.testing.WsClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The Redis broker on a Redis Cluster: the same contract, with room and user channels as shard channels, each
 * subscribed on the master of its slot only, and the emitter commands of cluster mode.
 */
@QuarkusTest
@WithTestResource(ClusterServicesResource.class)
class RedisClusterBrokerTests extends BrokerContractTests {

    @Override
    protected void assertInterest(String channel, boolean expected) {
        await().atMost(Duration.ofSeconds(5))
                .until(() -> LocalRedisCluster.shardSubscribers(channel) == (expected ? 1 : 0));
    }

    @Test
    void eachRoomChannelIsSubscribedOnTheMasterOfItsSlotOnly() {
        // Rooms until their channels cover every master.
        Map<String, String> masterByRoom = new HashMap<>();
        for (int i = 0; masterByRoom.values().stream().distinct().count() < 3 && i < 100; i++) {
            String room = "live:shard-" + i;
            masterByRoom.put(room, LocalRedisCluster.masterOf(Channels.room(room)));
        }
        assertEquals(3, masterByRoom.values().stream().distinct().count(), masterByRoom.toString());
        try (WsClient member = WsClient.withBearer(base, Tokens.user("sharded"))) {
            for (String room : masterByRoom.keySet()) {
                member.join(room);
            }
            for (Map.Entry<String, String> room : masterByRoom.entrySet()) {
                String channel = Channels.room(room.getKey());
                for (String port : LocalRedisCluster.masters()) {
                    assertEquals(
                            port.equals(room.getValue()) ? 1 : 0,
                            LocalRedisCluster.shardSubscribers(port, channel),
                            channel + " on " + port);
                }
            }
            // Acknowledged joins are live: an SPUBLISH reaches the member whichever shard its room is on.
            for (String room : masterByRoom.keySet()) {
                assertEquals(1, LocalRedisCluster.spublish(Channels.room(room), emitted("room", room, "on.shard")));
                assertEquals(room, member.awaitEvent("on.shard").path("room").asText());
            }
        }
        for (String room : masterByRoom.keySet()) {
            assertInterest(Channels.room(room), false);
        }
    }

    @Test
    void readinessSaysTheRedisIsACluster() {
        Management.given()
                .get("/q/health/ready")
                .then()
                .statusCode(200)
                .body("checks.find { it.name == 'redis' }.data.redis", equalTo("cluster"));
    }

    @Test
    void userChannelsAreShardChannelsAndClientsAndBroadcastsStayClassic() {
        String channel = Channels.user("cluster-user");
        try (WsClient session = WsClient.withBearer(base, Tokens.user("cluster-user"))) {
            assertEquals(1, LocalRedisCluster.shardSubscribers(channel));
            // One pattern for this pod's clients and one broadcast channel, on one node, heard from every node.
            int patterns = 0;
            int broadcasts = 0;
            for (String port : LocalRedisCluster.ports()) {
                patterns += Integer.parseInt(LocalRedisCluster.cli(port, "PUBSUB", "NUMPAT"));
                String[] numsub = LocalRedisCluster.cli(port, "PUBSUB", "NUMSUB", Channels.BROADCAST)
                        .split("\\n");
                broadcasts += Integer.parseInt(numsub[numsub.length - 1].trim());
            }
            assertEquals(1, patterns);
            assertEquals(1, broadcasts);
            assertTrue(session.clientId().length() > 0);
        }
        assertInterest(channel, false);
    }

    @Test
    void emittersSpublishToRoomsAndUsersAndPublishToClientsAndBroadcastOnAnyNode() {
        try (WsClient alice = WsClient.withBearer(base, Tokens.user("cemit-alice"));
                WsClient bob = WsClient.withBearer(base, Tokens.user("cemit-bob"))) {
            alice.join("live:cluster-emitter");
            LocalRedisCluster.spublish("ws:room:live:cluster-emitter", emitted("room", "live:cluster-emitter", "r.ev"));
            LocalRedisCluster.spublish("ws:user:cemit-bob", emitted("user", "cemit-bob", "job.done"));
            List<String> ports = new ArrayList<>(LocalRedisCluster.ports());
            LocalRedisCluster.publish(
                    ports.get(0), "ws:client:" + alice.clientId(), emitted("client", alice.clientId(), "c.ev"));
            LocalRedisCluster.publish(
                    ports.get(ports.size() - 1),
                    "ws:broadcast",
                    "{\"serverId\":\"emitter\",\"type\":\"broadcast\",\"event\":\"b.ev\"}");
            assertEquals(
                    "live:cluster-emitter",
                    alice.awaitEvent("r.ev").path("room").asText());
            bob.awaitEvent("job.done");
            JsonNode direct = alice.awaitEvent("c.ev");
            assertTrue(direct.path("room").isMissingNode());
            alice.awaitEvent("b.ev");
            bob.awaitEvent("b.ev");
            // In cluster mode nobody holds a classic subscription to a room channel: a PUBLISH there reaches no one.
            for (String port : ports) {
                assertEquals(
                        "0",
                        LocalRedisCluster.cli(
                                port, "PUBLISH", "ws:room:live:cluster-emitter", emitted("room", "x", "lost")));
            }
        }
    }

    private static String emitted(String type, String target, String event) {
        return "{\"serverId\":\"emitter\",\"type\":\"" + type + "\",\"target\":\"" + target + "\",\"event\":\"" + event
                + "\"}";
    }
}
