package dev.roomcast.broker;

import dev.roomcast.error.RoomcastException;
import dev.roomcast.loop.ConfinedLoop;
import dev.roomcast.observability.DropReason;
import dev.roomcast.observability.RoomcastMetrics;
import dev.roomcast.protocol.Channels;
import dev.roomcast.protocol.ClientCommand;
import dev.roomcast.protocol.Envelope;
import dev.roomcast.protocol.EnvelopeCodec;
import dev.roomcast.protocol.InvalidEnvelopeException;
import dev.roomcast.protocol.NodeIdentity;
import dev.roomcast.protocol.PodMessage;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.vertx.UniHelper;
import io.vertx.core.Promise;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Typed;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Links pods through Redis pub/sub ({@code roomcast.broker=redis}) over the {@link RedisShard}'s two connections:
 * publishes leave on its command connection (one pipeline, so a pod's events leave in the order they were published),
 * subscriptions live on its subscriber connection.
 * <p>
 * The pod subscribes to a room or user channel only while it has a local member (the hub counts one unit of
 * interest per membership), never to a pattern of all rooms: a pod receives only the traffic of its own rooms.
 * Client channels are covered by one pattern per pod ({@link Channels#clientPattern}). Redis confirms each
 * SUBSCRIBE with a push message, in command order; a subscription counts as active only once its own
 * confirmation arrives, so a join acknowledged after it misses nothing published later. When the subscriber
 * connection comes back, every channel still needed is subscribed again.
 * <p>
 * All subscription state is confined to the shard's event-loop context.
 */
@ApplicationScoped
@Typed(RedisBroker.class)
public class RedisBroker implements Broker, RedisShard.SubscriberListener {

    private static final Logger LOG = Logger.getLogger(RedisBroker.class);

    private final RedisShard shard;
    private final EnvelopeCodec codec;
    private final NodeIdentity node;
    private final RoomcastMetrics metrics;
    private final ConfinedLoop loop;

    // Confined to the loop.
    private final Map<String, Interest> interests = new HashMap<>();
    /** Per channel or pattern: the subscriptions sent and not yet confirmed, oldest first. */
    private final Map<String, ArrayDeque<Interest>> unconfirmed = new HashMap<>();

    private BrokerEventHandler handler;

    private volatile boolean subscriberReady;

    RedisBroker(RedisShard shard, EnvelopeCodec codec, NodeIdentity node, RoomcastMetrics metrics) {
        this.shard = shard;
        this.codec = codec;
        this.node = node;
        this.metrics = metrics;
        this.loop = shard.loop();
    }

    /** Connects, and subscribes to the channels every pod needs: broadcasts and this pod's clients. */
    @Override
    public void start(BrokerEventHandler eventHandler) {
        loop.run(() -> {
            handler = eventHandler;
            permanent(Channels.BROADCAST, false);
            permanent(Channels.clientPattern(node.serverId()), true);
            shard.start(this);
        });
    }

    @Override
    public void stop() {
        subscriberReady = false;
        shard.stop();
    }

    @Override
    public Uni<Void> subscribe(String channel) {
        Promise<Void> active = Promise.promise();
        loop.run(() -> {
            Interest interest = interests.get(channel);
            if (interest == null) {
                interest = new Interest(channel, false);
                interests.put(channel, interest);
                sendSubscribe(interest);
            }
            interest.count++;
            if (interest.active) {
                active.complete();
            } else {
                interest.waiters.add(active);
            }
        });
        // A caller that stops waiting (its timeout fired) leaves no promise behind while Redis stays away.
        return UniHelper.toUni(active.future())
                .onCancellation()
                .invoke(() -> loop.run(() -> {
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
            shard.sendOnSubscriber(Request.cmd(Command.UNSUBSCRIBE).arg(channel));
        });
    }

    @Override
    public Uni<Void> publish(Envelope envelope) {
        return publish(envelope.channel(), codec.encode(envelope));
    }

    @Override
    public Uni<Void> send(ClientCommand command) {
        return publish(command.channel(), codec.encode(command));
    }

    private Uni<Void> publish(String channel, String body) {
        if (!shard.commandsConnected()) {
            metrics.dropped(DropReason.BROKER_UNAVAILABLE);
            return Uni.createFrom().failure(RoomcastException.unavailable("the cluster link (Redis) is down"));
        }
        metrics.redisMessageOut();
        return shard.send(Request.cmd(Command.PUBLISH).arg(channel).arg(body))
                .onFailure()
                .invoke(failure -> {
                    metrics.dropped(DropReason.BROKER_UNAVAILABLE);
                    LOG.debugf("publish to %s failed: %s", channel, failure.getMessage());
                })
                .onFailure()
                .transform(failure -> failure instanceof RoomcastException known
                        ? known
                        : RoomcastException.unavailable("the cluster link (Redis) failed"))
                .replaceWithVoid();
    }

    @Override
    public boolean isConnected() {
        return subscriberReady && shard.commandsConnected();
    }

    @Override
    public void subscriberConnected() {
        for (Interest interest : interests.values()) {
            sendSubscribe(interest);
        }
        LOG.infof("Redis subscriber connected; %d channels (re)subscribed", interests.size());
    }

    @Override
    public void subscriberLost() {
        subscriberReady = false;
        unconfirmed.clear();
        for (Interest interest : interests.values()) {
            interest.active = false;
        }
    }

    @Override
    public void push(Response push) {
        if (push.size() < 3) {
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

    private void permanent(String name, boolean pattern) {
        Interest interest = new Interest(name, pattern);
        interest.count = 1;
        interests.put(name, interest);
    }

    private void sendSubscribe(Interest interest) {
        Request subscribe = Request.cmd(interest.pattern ? Command.PSUBSCRIBE : Command.SUBSCRIBE)
                .arg(interest.name);
        if (shard.sendOnSubscriber(subscribe)) {
            unconfirmed
                    .computeIfAbsent(interest.name, name -> new ArrayDeque<>(2))
                    .add(interest);
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
        PodMessage message;
        try {
            message = codec.decodeMessage(body, RoomcastMetrics.nowMicros());
        } catch (InvalidEnvelopeException e) {
            metrics.dropped(DropReason.INVALID);
            LOG.warnf("dropped a message on %s: %s", channel, e.getMessage());
            return;
        }
        if (node.serverId().equals(message.serverId())) {
            return; // published by this pod, which delivered it locally already
        }
        if (!channel.equals(message.channel())) {
            metrics.dropped(DropReason.INVALID);
            LOG.warnf("dropped a message on %s addressed to %s", channel, message.channel());
            return;
        }
        if (message instanceof ClientCommand command) {
            handler.onCommand(command);
        } else {
            handler.onPublication((Envelope) message);
        }
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
