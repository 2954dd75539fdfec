package dev.roomcast.broker;

import dev.roomcast.error.RoomcastException;
import dev.roomcast.loop.ConfinedLoop;
import dev.roomcast.observability.DropReason;
import dev.roomcast.observability.RoomcastMetrics;
import dev.roomcast.protocol.Channels;
import dev.roomcast.protocol.ClientCommand;
import dev.roomcast.protocol.Disconnect;
import dev.roomcast.protocol.Envelope;
import dev.roomcast.protocol.EnvelopeCodec;
import dev.roomcast.protocol.InvalidEnvelopeException;
import dev.roomcast.protocol.NodeIdentity;
import dev.roomcast.protocol.PodMessage;
import dev.roomcast.protocol.RevocationNotice;
import dev.roomcast.protocol.SessionsQuery;
import dev.roomcast.protocol.SessionsReply;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.vertx.UniHelper;
import io.vertx.core.Promise;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Typed;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Links pods through Redis pub/sub ({@code roomcast.broker=redis}): publishes leave through the {@link RedisShard}
 * (in order per channel), subscriptions live on its {@link PubSubLink}.
 * <p>
 * The pod subscribes to a room or user channel only while it has a local member (the hub counts one unit of
 * interest per membership), never to a pattern of all rooms: a pod receives only the traffic of its own rooms. With a
 * Redis Cluster those are shard channels ({@code SSUBSCRIBE}/{@code SPUBLISH}), each on the master of its slot.
 * Client channels are covered by one pattern per pod ({@link Channels#clientPattern}), and broadcasts by one classic
 * channel, in both modes. A subscription counts as active only once Redis confirmed it, so a join acknowledged after
 * it misses nothing published later; the link subscribes again whatever it loses, and the interest is active again
 * once that is confirmed.
 * <p>
 * All subscription state is confined to the shard's event-loop context.
 */
@ApplicationScoped
@Typed(RedisBroker.class)
public class RedisBroker implements Broker, PubSubLink.Listener {

    private static final Logger LOG = Logger.getLogger(RedisBroker.class);

    private final RedisShard shard;
    private final EnvelopeCodec codec;
    private final NodeIdentity node;
    private final RoomcastMetrics metrics;
    private final ConfinedLoop loop;

    // Confined to the loop.
    private final Map<String, Interest> interests = new HashMap<>();

    private BrokerEventHandler handler;

    private volatile PubSubLink link;
    private volatile Interest broadcast;
    private volatile Interest clients;

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
        boolean cluster = shard.cluster();
        loop.run(() -> {
            handler = eventHandler;
            shard.start();
            link = cluster ? new ClusterLink(shard) : new StandaloneLink(shard);
            link.start(this);
            broadcast = permanent(Channels.BROADCAST, SubscriptionKind.CHANNEL);
            clients = permanent(Channels.clientPattern(node.serverId()), SubscriptionKind.PATTERN);
            LOG.infof(
                    "Redis broker started (%s)", cluster ? "cluster: rooms and users on shard channels" : "one Redis");
        });
    }

    @Override
    public void stop() {
        loop.run(() -> {
            if (link != null) {
                link.stop();
            }
            shard.stop();
        });
    }

    @Override
    public Uni<Void> subscribe(String channel) {
        Promise<Void> active = Promise.promise();
        loop.run(() -> {
            Interest interest = interests.get(channel);
            if (interest == null) {
                interest = new Interest();
                interests.put(channel, interest);
                link.subscribe(channel, kindOf(channel));
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
            link.unsubscribe(channel);
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

    @Override
    public Uni<Integer> announce(PodMessage notice) {
        String body;
        if (notice instanceof Disconnect disconnect) {
            body = codec.encode(disconnect);
        } else if (notice instanceof RevocationNotice revocation) {
            body = codec.encode(revocation);
        } else if (notice instanceof SessionsQuery query) {
            body = codec.encode(query);
        } else if (notice instanceof SessionsReply reply) {
            body = codec.encode(reply);
        } else {
            return Uni.createFrom().failure(new IllegalArgumentException("not a notice: " + notice));
        }
        return published(notice.channel(), body);
    }

    private Uni<Void> publish(String channel, String body) {
        return published(channel, body).replaceWithVoid();
    }

    /** Publishes; the item is how many subscriber connections (one per pod) received it. */
    private Uni<Integer> published(String channel, String body) {
        boolean sharded = kindOf(channel) == SubscriptionKind.SHARD;
        if (!shard.canPublish(sharded)) {
            metrics.dropped(DropReason.BROKER_UNAVAILABLE);
            return Uni.createFrom().failure(RoomcastException.unavailable("the cluster link (Redis) is down"));
        }
        metrics.redisMessageOut();
        return shard.publish(channel, body, sharded)
                .onFailure()
                .invoke(failure -> {
                    metrics.dropped(DropReason.BROKER_UNAVAILABLE);
                    LOG.debugf("publish to %s failed: %s", channel, failure.getMessage());
                })
                .onFailure()
                .transform(failure -> failure instanceof RoomcastException known
                        ? known
                        : RoomcastException.unavailable("the cluster link (Redis) failed"))
                .map(receivers -> receivers == null ? 0 : receivers.toInteger());
    }

    /** Ready: commands can leave, the permanent subscriptions are confirmed, and every channel has a live home. */
    @Override
    public boolean isConnected() {
        Interest everyone = broadcast;
        Interest ours = clients;
        return shard.connected()
                && everyone != null
                && ours != null
                && everyone.active
                && ours.active
                && link.healthy();
    }

    @Override
    public void message(String channel, String body) {
        receive(channel, body);
    }

    @Override
    public void active(String name) {
        Interest interest = interests.get(name);
        if (interest == null || interest.active) {
            return;
        }
        interest.active = true;
        if (interest == broadcast) {
            handler.onResumed();
        }
        List<Promise<Void>> waiters = interest.waiters;
        interest.waiters = new ArrayList<>(0);
        for (Promise<Void> waiter : waiters) {
            waiter.tryComplete();
        }
    }

    @Override
    public void inactive(String name) {
        Interest interest = interests.get(name);
        if (interest != null) {
            interest.active = false;
        }
    }

    /** Room and user channels are shard channels with a Redis Cluster; the rest are classic everywhere. */
    private SubscriptionKind kindOf(String channel) {
        return shard.cluster() && Channels.isSharded(channel) ? SubscriptionKind.SHARD : SubscriptionKind.CHANNEL;
    }

    private Interest permanent(String name, SubscriptionKind kind) {
        Interest interest = new Interest();
        interest.count = 1;
        interests.put(name, interest);
        link.subscribe(name, kind);
        return interest;
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
        if (message instanceof Envelope envelope) {
            handler.onPublication(envelope);
        } else if (message instanceof ClientCommand command) {
            handler.onCommand(command);
        } else {
            handler.onNotice(message);
        }
    }

    /** This pod's need for one channel or pattern: how many units of interest, and whether Redis confirmed it. */
    private static final class Interest {
        int count;
        volatile boolean active;
        List<Promise<Void>> waiters = new ArrayList<>(1);
    }
}
