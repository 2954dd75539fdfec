package dev.roomcast.node;

import dev.roomcast.RoomcastConfig;
import dev.roomcast.RoomcastConfig.BrokerKind;
import dev.roomcast.broker.Broker;
import dev.roomcast.broker.LocalBroker;
import dev.roomcast.broker.LocalStreamDirectory;
import dev.roomcast.broker.RedisBroker;
import dev.roomcast.broker.RedisStreamDirectory;
import dev.roomcast.broker.StreamDirectory;
import dev.roomcast.presence.LocalPresence;
import dev.roomcast.presence.Presence;
import dev.roomcast.presence.RedisPresence;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;

/**
 * Chooses the broker, the presence backend and the SSE session directory from {@code roomcast.broker}: all local (one
 * pod, no Redis) or all Redis. The Redis ones (and the Redis client behind them) are only ever created in Redis mode.
 */
@ApplicationScoped
public class Backends {

    private final RoomcastConfig config;
    private final Instance<LocalBroker> localBroker;
    private final Instance<RedisBroker> redisBroker;
    private final Instance<LocalPresence> localPresence;
    private final Instance<RedisPresence> redisPresence;
    private final Instance<LocalStreamDirectory> localStreams;
    private final Instance<RedisStreamDirectory> redisStreams;

    Backends(
            RoomcastConfig config,
            Instance<LocalBroker> localBroker,
            Instance<RedisBroker> redisBroker,
            Instance<LocalPresence> localPresence,
            Instance<RedisPresence> redisPresence,
            Instance<LocalStreamDirectory> localStreams,
            Instance<RedisStreamDirectory> redisStreams) {
        this.config = config;
        this.localBroker = localBroker;
        this.redisBroker = redisBroker;
        this.localPresence = localPresence;
        this.redisPresence = redisPresence;
        this.localStreams = localStreams;
        this.redisStreams = redisStreams;
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

    @Produces
    @ApplicationScoped
    StreamDirectory streamDirectory() {
        return redis() ? redisStreams.get() : localStreams.get();
    }

    private boolean redis() {
        return config.broker() == BrokerKind.REDIS;
    }
}
