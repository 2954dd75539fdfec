package dev.roomcast.node;

import dev.roomcast.RoomcastConfig;
import dev.roomcast.RoomcastConfig.BrokerKind;
import dev.roomcast.broker.Broker;
import dev.roomcast.broker.LocalBroker;
import dev.roomcast.broker.RedisBroker;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import org.jboss.logging.Logger;

/**
 * Chooses the broker from {@code roomcast.broker} at startup. The Redis broker (and the Redis client behind it)
 * is only ever created in Redis mode.
 */
@ApplicationScoped
public class BrokerSelection {

    private static final Logger LOG = Logger.getLogger(BrokerSelection.class);

    private final RoomcastConfig config;
    private final Instance<LocalBroker> local;
    private final Instance<RedisBroker> redis;

    BrokerSelection(RoomcastConfig config, Instance<LocalBroker> local, Instance<RedisBroker> redis) {
        this.config = config;
        this.local = local;
        this.redis = redis;
    }

    @Produces
    @ApplicationScoped
    Broker broker() {
        return config.broker() == BrokerKind.REDIS ? redis.get() : local.get();
    }

    void start(@Observes StartupEvent event, NodeIdentity node) {
        LOG.infof("Roomcast node %s starting with the %s broker", node.serverId(), config.broker().name().toLowerCase());
        if (config.broker() == BrokerKind.REDIS) {
            redis.get().start();
        }
    }

    void stop(@Observes ShutdownEvent event) {
        if (config.broker() == BrokerKind.REDIS) {
            redis.get().stop();
        }
    }
}
