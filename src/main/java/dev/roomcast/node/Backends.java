package dev.roomcast.node;

import java.time.Duration;

import dev.roomcast.RoomcastConfig;
import dev.roomcast.RoomcastConfig.BrokerKind;
import dev.roomcast.broker.Broker;
import dev.roomcast.broker.LocalBroker;
import dev.roomcast.broker.RedisBroker;
import dev.roomcast.presence.LocalPresence;
import dev.roomcast.presence.Presence;
import dev.roomcast.presence.RedisPresence;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import org.jboss.logging.Logger;

/**
 * Chooses the broker and the presence backend from {@code roomcast.broker} at startup: both local (one pod, no Redis)
 * or both Redis. The Redis ones (and the Redis client behind them) are only ever created in Redis mode.
 */
@ApplicationScoped
public class Backends {

    private static final Logger LOG = Logger.getLogger(Backends.class);
    /** How long a stopping pod waits to take its clients out of presence before the lease does it. */
    private static final Duration PRESENCE_RETIRE_WAIT = Duration.ofSeconds(2);

    private final RoomcastConfig config;
    private final Instance<LocalBroker> localBroker;
    private final Instance<RedisBroker> redisBroker;
    private final Instance<LocalPresence> localPresence;
    private final Instance<RedisPresence> redisPresence;

    Backends(RoomcastConfig config, Instance<LocalBroker> localBroker, Instance<RedisBroker> redisBroker,
            Instance<LocalPresence> localPresence, Instance<RedisPresence> redisPresence) {
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

    void start(@Observes StartupEvent event, NodeIdentity node) {
        LOG.infof("Roomcast node %s starting with the %s broker", node.serverId(), config.broker().name().toLowerCase());
        if (redis()) {
            redisBroker.get().start();
            redisPresence.get().start();
        }
    }

    void stop(@Observes ShutdownEvent event) {
        if (redis()) {
            try {
                redisPresence.get().stop().await().atMost(PRESENCE_RETIRE_WAIT);
            } catch (RuntimeException e) {
                LOG.warnf("presence not retired (%s); the other pods will when this pod's lease expires", e.getMessage());
            }
            redisBroker.get().stop();
        }
    }

    private boolean redis() {
        return config.broker() == BrokerKind.REDIS;
    }
}
