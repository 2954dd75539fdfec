package dev.roomcast.broker;

import io.quarkus.arc.Unremovable;
import io.quarkus.redis.client.RedisOptionsCustomizer;
import io.quarkus.redis.runtime.client.VertxRedisClientFactory;
import io.vertx.core.Vertx;
import io.vertx.redis.client.ProtocolVersion;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * The options Quarkus built for the Redis client from {@code quarkus.redis.*} (hosts, password, TLS, timeouts), kept
 * as they were when the client was created, so that a pod in cluster mode can open connections of its own to chosen
 * nodes (a subscriber per master, one for classic publishes) with exactly the same settings.
 */
@ApplicationScoped
@Unremovable
public class RedisClientOptions implements RedisOptionsCustomizer {

    private volatile RedisOptions options;

    @Override
    public void customize(String clientName, RedisOptions built) {
        if (VertxRedisClientFactory.DEFAULT_CLIENT.equals(clientName)) {
            options = new RedisOptions(built);
        }
    }

    /** Whether the client is a cluster client ({@code quarkus.redis.client-type=cluster}); known once it exists. */
    boolean cluster() {
        return required().getType() == RedisClientType.CLUSTER;
    }

    /** Whether the client asks Redis for RESP3 (Quarkus's default, which Redis 6 and later speak). */
    boolean resp3() {
        RedisOptions current = required();
        return current.isProtocolNegotiation()
                && (current.getPreferredProtocolVersion() == null
                        || current.getPreferredProtocolVersion() == ProtocolVersion.RESP3);
    }

    /** The configured hosts, as connection strings. */
    List<String> seeds() {
        return required().getEndpoints();
    }

    /** A client that connects to this one node only, with the configured settings. */
    Redis standaloneClient(Vertx vertx, String endpoint) {
        RedisOptions node = new RedisOptions(required())
                .setType(RedisClientType.STANDALONE)
                .setEndpoints(new ArrayList<>(List.of(endpoint)));
        return Redis.createClient(vertx, node);
    }

    /**
     * The connection string of a node that the cluster names by host and port: the scheme and credentials of the
     * first configured host with the node's address, as the Vert.x client itself follows a redirection.
     */
    String endpoint(String host, int port) {
        URI seed = URI.create(seeds().get(0));
        String userInfo = seed.getRawUserInfo() == null ? "" : seed.getRawUserInfo() + "@";
        String address = host.contains(":") ? "[" + host + "]" : host;
        return seed.getScheme() + "://" + userInfo + address + ":" + port;
    }

    private RedisOptions required() {
        RedisOptions current = options;
        if (current == null) {
            throw new IllegalStateException("the Redis client has not been created yet");
        }
        return current;
    }
}
