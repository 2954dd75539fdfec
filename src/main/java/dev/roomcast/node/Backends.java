package dev.roomcast.node;

import dev.roomcast.RoomcastConfig;
import dev.roomcast.RoomcastConfig.BrokerKind;
import dev.roomcast.broker.Broker;
import dev.roomcast.broker.LocalBroker;
import dev.roomcast.broker.RedisBroker;
import dev.roomcast.presence.LocalPresence;
import dev.roomcast.presence.Presence;
import dev.roomcast.presence.RedisPresence;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;

/**
 * Chooses the broker and the presence backend from {@code roomcast.broker}: both local (one pod, no Redis) or both
 * Redis. The Redis ones (and the Redis client behind them) are only ever created in Redis mode.
 */
@ApplicationScoped
public class Backends {

    private final RoomcastConfig config;
    private final Instance<LocalBroker> localBroker;
    private final Instance<RedisBroker> redisBroker;
    private final Instance<LocalPresence> localPresence;
    private final Instance<RedisPresence> redisPresence;

    Backends(
            RoomcastConfig config,
            Instance<LocalBroker> localBroker,
            Instance<RedisBroker> redisBroker,
            Instance<LocalPresence> localPresence,
            Instance<RedisPresence> redisPresence) {
        this.config = config;
        this.localBroker = localBroker;
        this.redisBroker = redisBroker;
        this.localPresence = localPresence;
        this.redisPresence = redisPresence;
    }

    @Produces
    @ApplicationScoped
    Broker broker() {
        return redis() ? redisBroker.get() : localBroker.get();
    }

    @Produces
    @ApplicationScoped
    Presence presence() {
        return redis() ? redisPresence.get() : localPresence.get();
    }

    private boolean redis() {
        return config.broker() == BrokerKind.REDIS;
    }
}
