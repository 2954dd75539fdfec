package dev.roomcast.hub;

import dev.roomcast.RoomcastConfig;
import dev.roomcast.broker.Broker;
import dev.roomcast.observability.RoomcastMetrics;
import dev.roomcast.presence.Presence;
import dev.roomcast.protocol.DeliveryType;
import dev.roomcast.protocol.Envelope;
import dev.roomcast.protocol.ServerFrames;
import dev.roomcast.room.RoomNames;
import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.inject.Provider;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Local delivery: which connections of this pod are in which room, sharded by event loop. Every event, whether
 * it starts on this pod or arrives from another, reaches recipients through {@link #deliver(Envelope)}: the frame
 * is encoded once and handed to each shard once.
 */
@Startup
@ApplicationScoped
public class Hub {

    private static final Recipient[] NO_RECIPIENTS = new Recipient[0];

    private final ConcurrentHashMap<Thread, HubShard> shardsByThread = new ConcurrentHashMap<>();
    private volatile HubShard[] shards = new HubShard[0];
    /** Authenticated connections by client id, for client-addressed deliveries. */
    private final ConcurrentHashMap<String, Recipient> clients = new ConcurrentHashMap<>();

    private final AtomicInteger connections = new AtomicInteger();
    /** Open connections that have not yet presented a token: bounded by {@code roomcast.auth.max-unauthenticated}. */
    private final AtomicInteger unauthenticated = new AtomicInteger();

    private final Broker broker;
    private final Provider<Presence> presence;
    private final OffsetSequencer sequencer;
    private final ServerFrames frames;
    private final RoomcastMetrics metrics;
    private final Vertx vertx;
    private final Duration subscribeTimeout;
    private final long sweepMillis;

    @Inject
    Hub(
            Broker broker,
            Provider<Presence> presence,
            Instance<OffsetSource> history,
            ServerFrames frames,
            RoomcastMetrics metrics,
            Vertx vertx,
            RoomcastConfig config) {
        this.broker = broker;
        // Presence announces through the node, which delivers through this hub: looked up when first needed.
        this.presence = presence;
        this.sequencer = new OffsetSequencer(history, vertx, metrics, this::fanOut);
        this.frames = frames;
        this.metrics = metrics;
        this.vertx = vertx;
        this.subscribeTimeout = config.redis().subscribeTimeout();
        long shortest = Math.min(
                config.auth().timeout().toMillis(), config.heartbeat().timeout().toMillis());
        // Timeouts fire at most a quarter late, and never is the sweep busier than every 50 ms.
        this.sweepMillis = Math.max(50, Math.min(1000, shortest / 4));
        metrics.connectionsGauge(connections::get);
    }

    /** The shard of the calling event loop, created on first use. Must be called on an event loop. */
    public HubShard currentShard() {
        Thread thread = Thread.currentThread();
        HubShard shard = shardsByThread.get(thread);
        return shard != null ? shard : createShard(thread);
    }

    private synchronized HubShard createShard(Thread thread) {
        HubShard existing = shardsByThread.get(thread);
        if (existing != null) {
            return existing;
        }
        Context current = Vertx.currentContext();
        if (current == null || !current.isEventLoopContext()) {
            throw new IllegalStateException("hub shards live on event loops, not on " + thread.getName());
        }
        Context root = VertxContext.getRootContext(current);
        HubShard shard = new HubShard(this, root, thread);
        shardsByThread.put(thread, shard);
        HubShard[] grown = Arrays.copyOf(shards, shards.length + 1);
        grown[grown.length - 1] = shard;
        shards = grown;
        // A timer on the shard's own loop, not @Scheduled: the sweep reads state only that loop may touch, and a
        // scheduler thread would need a hop to every shard at each tick anyway.
        root.runOnContext(ignored -> vertx.setPeriodic(sweepMillis, id -> shard.sweep()));
        return shard;
    }

    /** Counts a new connection, unauthenticated until it presents a token; called once it is on its shard. */
    public void opened() {
        connections.incrementAndGet();
        unauthenticated.incrementAndGet();
    }

    /** A connection presented a token (valid: it goes on authenticating). */
    public void authenticating() {
        unauthenticated.decrementAndGet();
    }

    public void closed(boolean wasUnauthenticated) {
        connections.decrementAndGet();
        if (wasUnauthenticated) {
            unauthenticated.decrementAndGet();
        }
    }

    /** Connections of this pod that have not presented a token yet. */
    public int unauthenticatedCount() {
        return unauthenticated.get();
    }

    /** An authenticated connection: reachable by client id. */
    public void registerClient(Recipient recipient) {
        clients.put(recipient.clientId(), recipient);
    }

    public void unregisterClient(Recipient recipient) {
        clients.remove(recipient.clientId(), recipient);
    }

    /** The authenticated connection of this pod with that client id, or null. */
    public Recipient client(String clientId) {
        return clients.get(clientId);
    }

    /**
     * Delivers to this pod's recipients of the envelope; the broker calls this for local and remote events alike.
     * Persisted room events go through the offset sequencer first, which hands them back in order.
     */
    public void deliver(Envelope envelope) {
        if (envelope.type() == DeliveryType.ROOM && envelope.offset() != null) {
            sequencer.accept(envelope);
        } else {
            fanOut(envelope);
        }
    }

    /** Hands the envelope to the shards whose connections it is for; the frame is encoded once. */
    void fanOut(Envelope envelope) {
        Recipient[] excluded = localRecipients(envelope.exclude());
        switch (envelope.type()) {
            case CLIENT -> {
                Recipient recipient = clients.get(envelope.target());
                if (recipient != null) {
                    String frame = frames.delivery(envelope);
                    HubShard shard = recipient.shard();
                    shard.execute(() -> shard.deliverTo(recipient, frame, envelope, excluded));
                }
            }
            case ROOM -> {
                String frame = frames.delivery(envelope);
                forEachShard(shard -> shard.deliverToRoom(envelope.target(), frame, envelope, excluded));
            }
            case USER -> {
                String frame = frames.delivery(envelope);
                String room = RoomNames.userRoom(envelope.target());
                forEachShard(shard -> shard.deliverToRoom(room, frame, envelope, excluded));
            }
            case BROADCAST -> {
                String frame = frames.delivery(envelope);
                forEachShard(shard -> shard.deliverToAll(frame, envelope, excluded));
            }
        }
    }

    /** The excluded clients that live on this pod, resolved once so that shards compare by identity. */
    private Recipient[] localRecipients(List<String> clientIds) {
        if (clientIds.isEmpty()) {
            return NO_RECIPIENTS;
        }
        Recipient[] found = new Recipient[clientIds.size()];
        int count = 0;
        for (String clientId : clientIds) {
            Recipient recipient = clients.get(clientId);
            if (recipient != null) {
                found[count++] = recipient;
            }
        }
        return count == found.length ? found : Arrays.copyOf(found, count);
    }

    /** Runs the action for every connection of this pod, each on its own event loop. */
    public void forEachConnection(Consumer<Recipient> action) {
        forEachShard(shard -> shard.forEachConnection(action));
    }

    /**
     * What the picker makes of each connection of this pod (null: nothing), gathered from every event loop, each
     * connection read on its own loop.
     */
    public <T> Uni<List<T>> collect(Function<Recipient, T> picker) {
        HubShard[] current = shards;
        if (current.length == 0) {
            return Uni.createFrom().item(List.of());
        }
        List<Uni<List<T>>> parts = new ArrayList<>(current.length);
        for (HubShard shard : current) {
            parts.add(Uni.createFrom()
                    .emitter(emitter -> shard.execute(() -> {
                        List<T> found = new ArrayList<>();
                        shard.forEachConnection(recipient -> {
                            T picked = picker.apply(recipient);
                            if (picked != null) {
                                found.add(picked);
                            }
                        });
                        emitter.complete(found);
                    })));
        }
        return Uni.join().all(parts).andFailFast().map(lists -> {
            List<T> all = new ArrayList<>();
            lists.forEach(all::addAll);
            return all;
        });
    }

    /** How many users have sessions on this pod, and in how many rooms (automatic ones not counted) they are. */
    public record Census(int users, int rooms) {}

    public Uni<Census> census() {
        HubShard[] current = shards;
        List<Uni<List<List<String>>>> parts = new ArrayList<>(current.length);
        for (HubShard shard : current) {
            parts.add(Uni.createFrom()
                    .emitter(emitter -> shard.execute(
                            () -> emitter.complete(List.of(shard.roomNames(true), shard.roomNames(false))))));
        }
        if (parts.isEmpty()) {
            return Uni.createFrom().item(new Census(0, 0));
        }
        return Uni.join().all(parts).andFailFast().map(perShard -> {
            Set<String> users = new HashSet<>();
            Set<String> rooms = new HashSet<>();
            for (List<List<String>> names : perShard) {
                for (String automatic : names.get(0)) {
                    if (automatic.startsWith(RoomNames.USER_NAMESPACE + ":")) {
                        users.add(automatic);
                    }
                }
                rooms.addAll(names.get(1));
            }
            return new Census(users.size(), rooms.size());
        });
    }

    /** Open connections on this pod. */
    public int connectionCount() {
        return connections.get();
    }

    private void forEachShard(Consumer<HubShard> action) {
        for (HubShard shard : shards) {
            shard.execute(() -> action.accept(shard));
        }
    }

    Uni<Void> subscribe(String channel) {
        return broker.subscribe(channel)
                .ifNoItem()
                .after(subscribeTimeout)
                .failWith(() -> new TimeoutException("no subscription to " + channel + " within " + subscribeTimeout));
    }

    void unsubscribe(String channel) {
        broker.unsubscribe(channel);
    }

    /**
     * Compares the rooms this pod streams with their event log ({@code roomcast.history.catch-up-interval}): see
     * {@link OffsetSequencer}.
     */
    @Scheduled(
            every = "${roomcast.history.catch-up-interval}",
            delayed = "${roomcast.history.catch-up-interval}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void catchUp() {
        sequencer.catchUpPass();
    }

    Uni<Void> retainHistory(String room) {
        return sequencer
                .retain(room)
                .ifNoItem()
                .after(subscribeTimeout)
                .failWith(() -> new TimeoutException("no start offset for " + room + " within " + subscribeTimeout));
    }

    void releaseHistory(String room) {
        sequencer.release(room);
    }

    Presence presence() {
        return presence.get();
    }

    RoomcastMetrics metrics() {
        return metrics;
    }
}
