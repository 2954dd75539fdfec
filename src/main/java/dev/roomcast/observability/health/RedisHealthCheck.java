package dev.roomcast.observability.health;

import dev.roomcast.RoomcastConfig;
import dev.roomcast.RoomcastConfig.BrokerKind;
import dev.roomcast.broker.RedisBroker;
import dev.roomcast.broker.RedisShard;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import java.time.Duration;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness of the cluster link: with the Redis broker, UP only while its connections are up, the pod's permanent
 * subscriptions are confirmed, on a Redis Cluster every channel the pod needs has a live connection to its master,
 * and Redis answers a PING within a second.
 */
@Readiness
@ApplicationScoped
public class RedisHealthCheck implements AsyncHealthCheck {

    private static final String NAME = "redis";
    private static final Duration PING_TIMEOUT = Duration.ofSeconds(1);

    private final RoomcastConfig config;
    private final Instance<RedisBroker> broker;
    private final Instance<RedisShard> shard;

    RedisHealthCheck(RoomcastConfig config, Instance<RedisBroker> broker, Instance<RedisShard> shard) {
        this.config = config;
        this.broker = broker;
        this.shard = shard;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        if (config.broker() != BrokerKind.REDIS) {
            return Uni.createFrom()
                    .item(HealthCheckResponse.named(NAME)
                            .up()
                            .withData("broker", "local")
                            .build());
        }
        if (!broker.get().isConnected()) {
            return Uni.createFrom().item(down("not connected"));
        }
        return shard.get()
                .ping()
                .ifNoItem()
                .after(PING_TIMEOUT)
                .fail()
                .map(ignored -> HealthCheckResponse.named(NAME)
                        .up()
                        .withData("broker", "redis")
                        .withData("redis", shard.get().cluster() ? "cluster" : "standalone")
                        .build())
                .onFailure()
                .recoverWithItem(failure -> down("no answer to PING: " + failure.getMessage()));
    }

    private static HealthCheckResponse down(String reason) {
        return HealthCheckResponse.named(NAME)
                .down()
                .withData("broker", "redis")
                .withData("reason", reason)
                .build();
    }
}
