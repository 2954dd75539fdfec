package dev.roomcast.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * {@code scripts/services cluster-*}: the local Redis Cluster the cluster-mode tests run on is a real one, three
 * masters sharing every slot with a replica each, with Redis 7's sharded pub/sub, and it fails over when a master dies.
 */
class LocalRedisClusterTest {

    @Test
    void threeMastersServeEverySlotWithAReplicaEach() {
        String info = LocalRedisCluster.cli(LocalRedisCluster.ports().get(0), "CLUSTER", "INFO");

        assertTrue(info.contains("cluster_state:ok"), info);
        assertTrue(info.contains("cluster_slots_assigned:16384"), info);
        assertTrue(info.contains("cluster_size:3"), info);
        assertTrue(info.contains("cluster_known_nodes:6"), info);
        String nodes = LocalRedisCluster.cli(LocalRedisCluster.ports().get(0), "CLUSTER", "NODES");
        assertEquals(3, nodes.lines().filter(line -> line.contains("slave")).count(), nodes);
    }

    @Test
    void shardedPublishReachesTheSlotsOwnerFromAnyNode() {
        Set<String> owners = new HashSet<>();
        for (String channel : new String[] {"ws:room:chat:a", "ws:room:chat:b", "ws:room:chat:c", "ws:user:u1"}) {
            int slot = Integer.parseInt(
                    LocalRedisCluster.cli(LocalRedisCluster.ports().get(0), "CLUSTER", "KEYSLOT", channel));
            owners.add(LocalRedisCluster.masterOf(slot).orElseThrow());
            for (String port : LocalRedisCluster.ports()) {
                // -c follows the MOVED redirection to the owner; nobody subscribes, so 0 receivers.
                assertEquals(
                        "0", LocalRedisCluster.cli(port, "-c", "SPUBLISH", channel, "{}"), channel + " via " + port);
            }
        }
        assertTrue(owners.size() > 1, "the channels live on several shards: " + owners);
    }

    @Test
    void aKilledMasterIsReplacedByItsReplicaAndRejoinsAsOne() {
        int slot = Integer.parseInt(
                LocalRedisCluster.cli(LocalRedisCluster.ports().get(0), "CLUSTER", "KEYSLOT", "ws:room:chat:failover"));
        String master = LocalRedisCluster.masterOf(slot).orElseThrow();

        LocalRedisCluster.kill(master);
        try {
            Awaitility.await()
                    .atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(200))
                    .until(
                            () -> LocalRedisCluster.masterOf(slot).filter(port -> !port.equals(master)),
                            Optional::isPresent);
            String promoted = LocalRedisCluster.masterOf(slot).orElseThrow();
            assertNotEquals(master, promoted);
            assertEquals("0", LocalRedisCluster.cli(promoted, "SPUBLISH", "ws:room:chat:failover", "{}"));
        } finally {
            LocalRedisCluster.start(master);
        }

        LocalRedisCluster.awaitWhole();
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> LocalRedisCluster.cli(master, "ROLE").startsWith("slave"));
        assertTrue(LocalRedisCluster.cli(master, "CLUSTER", "INFO").contains("cluster_state:ok"));
    }
}
