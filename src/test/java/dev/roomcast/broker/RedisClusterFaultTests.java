package dev.roomcast.broker;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.roomcast.protocol.Channels;
import dev.roomcast.testing.ClusterServicesResource;
import dev.roomcast.testing.LocalRedisCluster;
import dev.roomcast.testing.Management;
import dev.roomcast.testing.Tokens;
import dev.roomcast.testing.WsClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The Redis broker when the cluster changes under it: a master killed (its replica takes over) and a slot moved to
 * another master. In both cases the pod subscribes its shard channels again on their new master by itself, and
 * deliveries to the rooms whose slot moved resume, while the other rooms never stop.
 */
@QuarkusTest
@WithTestResource(ClusterServicesResource.class)
class RedisClusterFaultTests {

    @TestHTTPResource("/")
    URI base;

    @AfterEach
    void clusterIsWholeAgain() {
        LocalRedisCluster.awaitWhole();
        await().atMost(Duration.ofSeconds(30)).until(() -> Management.readinessStatus() == 200);
    }

    @Test
    void aKilledMastersChannelsMoveToTheReplicaItPromotes() {
        String room = "live:failover";
        String channel = Channels.room(room);
        String master = LocalRedisCluster.masterOf(channel);
        String other = roomElsewhere(master);
        try (WsClient member = WsClient.withBearer(base, Tokens.user("fo-member"))) {
            member.join(room);
            member.join(other);

            LocalRedisCluster.kill(master);
            // The room on a surviving master keeps working while the failover is under way.
            assertEquals(1, LocalRedisCluster.spublish(Channels.room(other), emitted(other, "still.here")));
            member.awaitEvent("still.here");

            await().atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> LocalRedisCluster.masterOf(LocalRedisCluster.slot(channel))
                            .filter(port -> !port.equals(master))
                            .isPresent());
            String promoted = LocalRedisCluster.masterOf(channel);
            await().atMost(Duration.ofSeconds(15))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> LocalRedisCluster.shardSubscribers(promoted, channel) == 1);
            assertEquals(1, LocalRedisCluster.spublish(channel, emitted(room, "after.failover")));
            assertEquals(room, member.awaitEvent("after.failover").path("room").asText());
            await().atMost(Duration.ofSeconds(15)).until(() -> Management.readinessStatus() == 200);
        } finally {
            LocalRedisCluster.start(master);
        }
    }

    @Test
    void aSlotMovedToAnotherMasterTakesItsSubscribersAlong() {
        String room = "live:resharded";
        String channel = Channels.room(room);
        int slot = LocalRedisCluster.slot(channel);
        String from = LocalRedisCluster.masterOf(channel);
        String to = LocalRedisCluster.anotherMaster(from);
        try (WsClient member = WsClient.withBearer(base, Tokens.user("rs-member"))) {
            member.join(room);

            LocalRedisCluster.moveSlot(slot, to);
            assertEquals(to, LocalRedisCluster.masterOf(channel));
            await().atMost(Duration.ofSeconds(15))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> LocalRedisCluster.shardSubscribers(to, channel) == 1);
            assertEquals(0, LocalRedisCluster.shardSubscribers(from, channel));
            assertEquals(1, LocalRedisCluster.spublish(channel, emitted(room, "after.move")));
            assertEquals(room, member.awaitEvent("after.move").path("room").asText());
        } finally {
            if (!LocalRedisCluster.masterOf(channel).equals(from)) {
                LocalRedisCluster.moveSlot(slot, from);
            }
        }
    }

    /** A room whose channel another master serves. */
    private static String roomElsewhere(String master) {
        for (int i = 0; i < 100; i++) {
            String room = "live:elsewhere-" + i;
            if (!LocalRedisCluster.masterOf(Channels.room(room)).equals(master)) {
                return room;
            }
        }
        throw new IllegalStateException("every room hashes to " + master);
    }

    private static String emitted(String room, String event) {
        return "{\"serverId\":\"emitter\",\"type\":\"room\",\"target\":\"" + room + "\",\"event\":\"" + event + "\"}";
    }
}
