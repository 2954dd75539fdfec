package dev.roomcast.broker;

import dev.roomcast.loop.ConfinedLoop;
import java.util.HashMap;
import java.util.Map;
import org.jboss.logging.Logger;

/** The pub/sub link to one Redis: one subscriber connection holds every name. */
final class StandaloneLink implements PubSubLink, SubscriberConnection.Owner {

    private static final Logger LOG = Logger.getLogger(StandaloneLink.class);

    private final RedisShard shard;
    private final ConfinedLoop loop;
    private final Backoff refusals;
    private SubscriberConnection connection;
    /** What the broker wants, whether the connection holds it now or not (refused, to be retried). */
    private final Map<String, SubscriptionKind> wanted = new HashMap<>();

    private Listener listener;

    StandaloneLink(RedisShard shard) {
        this.shard = shard;
        this.loop = shard.loop();
        this.refusals = shard.newBackoff();
    }

    @Override
    public void start(Listener eventListener) {
        listener = eventListener;
        connection = shard.subscriber("connection", shard::connect, listener, this);
        connection.start();
    }

    @Override
    public void stop() {
        connection.stop();
    }

    @Override
    public void subscribe(String name, SubscriptionKind kind) {
        wanted.put(name, kind);
        connection.add(name, kind);
    }

    @Override
    public void unsubscribe(String name) {
        wanted.remove(name);
        connection.remove(name);
    }

    @Override
    public boolean healthy() {
        return connection.connected();
    }

    /** One Redis refuses only for a reason that may pass (an ACL being changed, a Redis loading its data): retried. */
    @Override
    public void displaced(String name, String reason) {
        LOG.warnf("Redis refused the subscription to %s: %s; retrying", name, reason);
        listener.inactive(name);
        long delay = refusals.next();
        loop.after(delay, () -> {
            SubscriptionKind kind = wanted.get(name);
            if (kind != null) {
                connection.add(name, kind);
            }
        });
    }

    @Override
    public void connection(SubscriberConnection subscriber, boolean up) {
        // Every name is subscribed again by the connection itself; refusals start their pauses afresh.
        if (up) {
            refusals.reset();
        }
    }
}
