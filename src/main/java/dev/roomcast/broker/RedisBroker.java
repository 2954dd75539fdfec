package dev.roomcast.broker;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.roomcast.RoomcastConfig;
import dev.roomcast.error.RoomcastException;
import dev.roomcast.hub.Hub;
import dev.roomcast.node.ConfinedLoop;
import dev.roomcast.node.NodeIdentity;
import dev.roomcast.observability.DropReason;
import dev.roomcast.observability.RoomcastMetrics;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.vertx.UniHelper;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Typed;
import org.jboss.logging.Logger;

/**
 * Links pods through Redis pub/sub ({@code roomcast.broker=redis}) with two long-lived connections: one that
 * publishes (a single pipelined connection, so a pod's events leave in the order they were published) and one
 * that subscribes.
 * <p>
 * The pod subscribes to a room or user channel only while it has a local member (the hub counts one unit of
 * interest per event loop), never to a pattern of all rooms: a pod receives only the traffic of its own rooms.
 * Client channels are covered by one pattern per pod ({@link Channels#clientPattern}). Redis confirms each
 * SUBSCRIBE with a push message, in command order; a subscription counts as active only once its own
 * confirmation arrives, so a join acknowledged after it misses nothing published later.
 * <p>
 * All subscription state is confined to one event-loop context. When a connection drops, the broker reconnects
 * with backoff and subscribes again to every channel it still needs.
 */
@ApplicationScoped
@Typed(RedisBroker.class)
public class RedisBroker implements Broker {

    private static final Logger LOG = Logger.getLogger(RedisBroker.class);

    private final Instance<Redis> redis;
    private final Hub hub;
    private final EnvelopeCodec codec;
    private final NodeIdentity node;
    private final RoomcastMetrics metrics;
    private final Vertx vertx;
    private final long reconnectMinMillis;
    private final long reconnectMaxMillis;
    private final ConfinedLoop loop;

    // Confined to the loop.
    private final Map<String, Interest> interests = new HashMap<>();
    /** Per channel or pattern: the subscriptions sent and not yet confirmed, oldest first. */
    private final Map<String, ArrayDeque<Interest>> unconfirmed = new HashMap<>();
    private RedisConnection subscriber;
    private long subscriberBackoff;
    private long publisherBackoff;
    private boolean stopped;

    private volatile RedisConnection publisher;
    private volatile boolean subscriberReady;

    RedisBroker(Instance<Redis> redis, Hub hub, EnvelopeCodec codec, NodeIdentity node, RoomcastMetrics metrics,
            Vertx vertx, RoomcastConfig config) {
        this.redis = redis;
        this.hub = hub;
        this.codec = codec;
        this.node = node;
        this.metrics = metrics;
        this.vertx = vertx;
        this.reconnectMinMillis = config.redis().reconnectMin().toMillis();
        this.reconnectMaxMillis = config.redis().reconnectMax().toMillis();
        this.loop = new ConfinedLoop(vertx);
    }

    /** Connects and subscribes to the channels every pod needs: broadcasts and this pod's clients. */
    public void start() {
        loop.run(() -> {
            permanent(Channels.BROADCAST, false);
            permanent(Channels.clientPattern(node.serverId()), true);
            connectSubscriber();
            connectPublisher();
        });
    }

    public void stop() {
        loop.run(() -> {
            stopped = true;
            subscriberReady = false;
            if (subscriber != null) {
                subscriber.close();
                subscriber = null;
            }
            RedisConnection current = publisher;
            publisher = null;
            if (current != null) {
                current.close();
            }
        });
    }

    @Override
    public Uni<Void> subscribe(String channel) {
        Promise<Void> active = Promise.promise();
        loop.run(() -> {
            Interest interest = interests.get(channel);
            if (interest == null) {
                interest = new Interest(channel, false);
                interests.put(channel, interest);
                if (subscriber != null) {
                    sendSubscribe(interest);
                }
            }
            interest.count++;
            if (interest.active) {
                active.complete();
            } else {
                interest.waiters.add(active);
            }
        });
        // A caller that stops waiting (its timeout fired) leaves no promise behind while Redis stays away.
        return UniHelper.toUni(active.future()).onCancellation().invoke(() -> loop.run(() -> {
            Interest interest = interests.get(channel);
            if (interest != null) {
                interest.waiters.remove(active);
            }
        }));
    }

    @Override
    public void unsubscribe(String channel) {
        loop.run(() -> {
            Interest interest = interests.get(channel);
            if (interest == null || --interest.count > 0) {
                return;
            }
            interests.remove(channel);
            if (subscriber != null) {
                subscriber.send(Request.cmd(Command.UNSUBSCRIBE).arg(channel));
            }
        });
    }

    @Override
    public Uni<Void> publish(Envelope envelope) {
        hub.deliver(envelope);
        RedisConnection connection = publisher;
        if (connection == null) {
            metrics.dropped(DropReason.BROKER_UNAVAILABLE);
            return Uni.createFrom().failure(RoomcastException.unavailable("the cluster link (Redis) is down"));
        }
        Future<Response> sent = connection
                .send(Request.cmd(Command.PUBLISH).arg(envelope.channel()).arg(codec.encode(envelope)));
        metrics.redisMessageOut();
        sent.onFailure(failure -> {
            metrics.dropped(DropReason.BROKER_UNAVAILABLE);
            LOG.debugf("publish to %s failed: %s", envelope.channel(), failure.getMessage());
        });
        return UniHelper.toUni(sent).replaceWithVoid()
                .onFailure().transform(failure -> RoomcastException.unavailable("the cluster link (Redis) failed"));
    }

    /** Sends a command on the publishing connection, after every publish sent before it. */
    public Uni<Response> send(Request request) {
        RedisConnection connection = publisher;
        if (connection == null) {
            return Uni.createFrom().failure(RoomcastException.unavailable("the cluster link (Redis) is down"));
        }
        return UniHelper.toUni(connection.send(request));
    }

    @Override
    public boolean isConnected() {
        return subscriberReady && publisher != null;
    }

    /** Round trip on the publishing connection, for the readiness check. */
    public Uni<Void> ping() {
        RedisConnection connection = publisher;
        if (connection == null) {
            return Uni.createFrom().failure(new IllegalStateException("not connected to Redis"));
        }
        return UniHelper.toUni(connection.send(Request.cmd(Command.PING))).replaceWithVoid();
    }

    private void permanent(String name, boolean pattern) {
        Interest interest = new Interest(name, pattern);
        interest.count = 1;
        interests.put(name, interest);
    }

    private void connectSubscriber() {
        redis.get().connect().onComplete(result -> loop.run(() -> {
            if (result.failed()) {
                logAttemptFailure("subscriber", subscriberBackoff, result.cause());
                subscriberBackoff = scheduleRetry(subscriberBackoff, this::connectSubscriber);
                return;
            }
            RedisConnection connection = result.result();
            if (stopped) {
                connection.close();
                return;
            }
            subscriber = connection;
            subscriberBackoff = 0;
            connection.handler(push -> loop.run(() -> onPush(connection, push)));
            connection.exceptionHandler(failure -> loop.run(() -> subscriberLost(connection, failure)));
            connection.endHandler(ignored -> loop.run(() -> subscriberLost(connection, null)));
            for (Interest interest : interests.values()) {
                sendSubscribe(interest);
            }
            LOG.infof("Redis subscriber connected; %d channels (re)subscribed", interests.size());
        }));
    }

    private void connectPublisher() {
        redis.get().connect().onComplete(result -> loop.run(() -> {
            if (result.failed()) {
                logAttemptFailure("publisher", publisherBackoff, result.cause());
                publisherBackoff = scheduleRetry(publisherBackoff, this::connectPublisher);
                return;
            }
            RedisConnection connection = result.result();
            if (stopped) {
                connection.close();
                return;
            }
            publisherBackoff = 0;
            connection.exceptionHandler(failure -> loop.run(() -> publisherLost(connection, failure)));
            connection.endHandler(ignored -> loop.run(() -> publisherLost(connection, null)));
            publisher = connection;
        }));
    }

    private void sendSubscribe(Interest interest) {
        unconfirmed.computeIfAbsent(interest.name, name -> new ArrayDeque<>(2)).add(interest);
        subscriber.send(Request.cmd(interest.pattern ? Command.PSUBSCRIBE : Command.SUBSCRIBE).arg(interest.name));
    }

    private void onPush(RedisConnection connection, Response push) {
        if (connection != subscriber || push == null || push.size() < 3) {
            return;
        }
        switch (push.get(0).toString()) {
            case "message" -> receive(push.get(1).toString(), push.get(2).toString());
            case "pmessage" -> receive(push.get(2).toString(), push.get(3).toString());
            case "subscribe", "psubscribe" -> confirmed(push.get(1).toString());
            default -> {
                // unsubscribe confirmations need no action: the interest is already gone
            }
        }
    }

    private void confirmed(String name) {
        ArrayDeque<Interest> queue = unconfirmed.get(name);
        Interest interest = queue == null ? null : queue.poll();
        if (queue != null && queue.isEmpty()) {
            unconfirmed.remove(name);
        }
        // A confirmation for an interest released meanwhile is stale: a newer SUBSCRIBE follows it.
        if (interest == null || interests.get(name) != interest) {
            return;
        }
        interest.active = true;
        List<Promise<Void>> waiters = interest.waiters;
        interest.waiters = new ArrayList<>(0);
        for (Promise<Void> waiter : waiters) {
            waiter.tryComplete();
        }
        if (!subscriberReady) {
            subscriberReady = interests.get(Channels.BROADCAST).active
                    && interests.get(Channels.clientPattern(node.serverId())).active;
        }
    }

    private void receive(String channel, String body) {
        metrics.redisMessageIn();
        Envelope envelope;
        try {
            envelope = codec.decode(body, RoomcastMetrics.nowMicros());
        } catch (InvalidEnvelopeException e) {
            metrics.dropped(DropReason.INVALID);
            LOG.warnf("dropped a message on %s: %s", channel, e.getMessage());
            return;
        }
        if (node.serverId().equals(envelope.serverId())) {
            return; // published by this pod, which delivered it locally already
        }
        if (!channel.equals(envelope.channel())) {
            metrics.dropped(DropReason.INVALID);
            LOG.warnf("dropped a message on %s addressed to %s", channel, envelope.channel());
            return;
        }
        hub.deliver(envelope);
    }

    private void subscriberLost(RedisConnection connection, Throwable failure) {
        if (connection != subscriber) {
            return;
        }
        subscriber = null;
        subscriberReady = false;
        unconfirmed.clear();
        for (Interest interest : interests.values()) {
            interest.active = false;
        }
        connection.close();
        if (!stopped) {
            LOG.warnf("Redis subscriber connection lost (%s); reconnecting",
                    failure == null ? "closed" : failure.getMessage());
            subscriberBackoff = scheduleRetry(subscriberBackoff, this::connectSubscriber);
        }
    }

    private void publisherLost(RedisConnection connection, Throwable failure) {
        if (connection != publisher) {
            return;
        }
        publisher = null;
        connection.close();
        if (!stopped) {
            LOG.warnf("Redis publisher connection lost (%s); reconnecting",
                    failure == null ? "closed" : failure.getMessage());
            publisherBackoff = scheduleRetry(publisherBackoff, this::connectPublisher);
        }
    }

    /** The first failed attempt is worth a warning; the retries of an outage already announced are not. */
    private static void logAttemptFailure(String connection, long backoff, Throwable failure) {
        if (backoff == 0) {
            LOG.warnf("Redis %s connection failed: %s; retrying", connection, failure.getMessage());
        } else {
            LOG.debugf("Redis %s connection failed again: %s", connection, failure.getMessage());
        }
    }

    /** @return the next backoff */
    private long scheduleRetry(long previousBackoff, Runnable attempt) {
        long delay = previousBackoff == 0 ? reconnectMinMillis : Math.min(reconnectMaxMillis, previousBackoff * 2);
        loop.later(() -> vertx.setTimer(delay, id -> loop.run(() -> {
            if (!stopped) {
                attempt.run();
            }
        })));
        return delay;
    }


    /** This pod's need for one channel or pattern: how many units of interest, and whether Redis confirmed it. */
    private static final class Interest {
        final String name;
        final boolean pattern;
        int count;
        boolean active;
        List<Promise<Void>> waiters = new ArrayList<>(1);

        Interest(String name, boolean pattern) {
            this.name = name;
            this.pattern = pattern;
        }
    }
}
