package dev.roomcast.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.roomcast.protocol.Channels;
import dev.roomcast.testing.LocalRedisCluster;
import io.quarkus.redis.runtime.client.VertxRedisClientFactory;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code CLUSTER SLOTS} of the real local cluster read into a topology: every channel's master is the one the cluster
 * names, and so it stays when a node reports endpoints it does not know ({@code ?}).
 */
class ClusterTopologyTest {

    private static Vertx vertx;
    private static RedisClientOptions options;

    @BeforeAll
    static void client() {
        vertx = Vertx.vertx();
        options = new RedisClientOptions();
        options.customize(
                VertxRedisClientFactory.DEFAULT_CLIENT,
                new RedisOptions().setConnectionString("redis://127.0.0.1:" + LocalRedisCluster.anyLivePort()));
    }

    @AfterAll
    static void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void everyChannelsMasterIsTheOneTheClusterNames() throws Exception {
        assertMastersAsTheClusterSays(slotsFrom(LocalRedisCluster.anyLivePort()));
    }

    @Test
    void endpointsANodeDoesNotKnowAreTakenToLiveOnTheHostAsked() throws Exception {
        String port = LocalRedisCluster.anyLivePort();
        LocalRedisCluster.cli(port, "CONFIG", "SET", "cluster-preferred-endpoint-type", "unknown-endpoint");
        try {
            Response slots = slotsFrom(port);
            assertNull(slots.get(0).get(2).get(0), "the node hides its endpoints");
            assertMastersAsTheClusterSays(slots);
        } finally {
            LocalRedisCluster.cli(port, "CONFIG", "SET", "cluster-preferred-endpoint-type", "ip");
        }
    }

    private static void assertMastersAsTheClusterSays(Response slots) {
        ClusterTopology topology = ClusterTopology.of(slots, options, "127.0.0.1");
        for (String channel : List.of(
                Channels.room("chat:a"), Channels.room("chat:b"), Channels.room("live:c"), Channels.user("u"))) {
            assertEquals(
                    "redis://127.0.0.1:" + LocalRedisCluster.masterOf(channel), topology.masterOf(channel), channel);
        }
        assertEquals(3, topology.masters().size());
        assertEquals(6, topology.nodes().size());
    }

    private static Response slotsFrom(String port) throws Exception {
        Redis node = Redis.createClient(vertx, "redis://127.0.0.1:" + port);
        try {
            return node.send(Request.cmd(Command.CLUSTER).arg("SLOTS"))
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get(10, TimeUnit.SECONDS);
        } finally {
            node.close();
        }
    }
}
