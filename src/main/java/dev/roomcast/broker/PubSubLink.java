package dev.roomcast.broker;

/**
 * The subscriber side of the pod's link to Redis: holds the names the broker subscribes to on the connections that
 * serve them, subscribes again by itself whatever was lost (a reconnect, a failover, a slot that moved), and reports
 * each name active once Redis confirmed it and inactive when it lost it. {@link StandaloneLink} for one Redis,
 * {@link ClusterLink} for a Redis Cluster. Confined to the {@link RedisShard}'s loop.
 */
interface PubSubLink {

    /** What the link reports, on the shard's loop. */
    interface Listener {

        void message(String channel, String body);

        void active(String name);

        void inactive(String name);
    }

    void start(Listener listener);

    void stop();

    void subscribe(String name, SubscriptionKind kind);

    void unsubscribe(String name);

    /**
     * Whether every name is held by a live connection (confirmed or on its way): false while a connection is down or
     * a name waits for a master to serve its slot.
     */
    boolean healthy();
}
