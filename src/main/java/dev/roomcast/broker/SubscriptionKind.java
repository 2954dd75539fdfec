package dev.roomcast.broker;

import io.vertx.redis.client.Command;

/** How a pod subscribes to a name in Redis, with the commands and the reply types that go with it. */
enum SubscriptionKind {
    /** A classic channel ({@code SUBSCRIBE}): in a cluster, every node hears every {@code PUBLISH}. */
    CHANNEL(Command.SUBSCRIBE, Command.UNSUBSCRIBE, "subscribe", "unsubscribe"),
    /** A classic pattern ({@code PSUBSCRIBE}). */
    PATTERN(Command.PSUBSCRIBE, Command.PUNSUBSCRIBE, "psubscribe", "punsubscribe"),
    /** A shard channel ({@code SSUBSCRIBE}, Redis 7): only the master of its slot hears its {@code SPUBLISH}. */
    SHARD(Command.SSUBSCRIBE, Command.SUNSUBSCRIBE, "ssubscribe", "sunsubscribe");

    final Command subscribe;
    final Command unsubscribe;
    final String subscribed;
    final String unsubscribed;

    SubscriptionKind(Command subscribe, Command unsubscribe, String subscribed, String unsubscribed) {
        this.subscribe = subscribe;
        this.unsubscribe = unsubscribe;
        this.subscribed = subscribed;
        this.unsubscribed = unsubscribed;
    }
}
