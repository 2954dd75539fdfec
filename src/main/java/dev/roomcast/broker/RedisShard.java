package dev.roomcast.broker;

import dev.roomcast.RoomcastConfig;
import dev.roomcast.error.RoomcastException;
import dev.roomcast.loop.ConfinedLoop;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.vertx.UniHelper;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Typed;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * The pod's command link to Redis, shared by the broker (publishes), Redis presence (scripts) and the SSE directory,
 * as centrifuge's {@code RedisShard} is. With one Redis, one connection, pipelined, so that commands leave in the
 * order they are sent. With a Redis Cluster ({@code quarkus.redis.client-type=cluster}), a cluster connection that
 * sends each command to the master of its keys' slot (in order per master), and a second connection pinned to one
 * node for classic {@code PUBLISH}, which every node hears but which would lose their order if they left through
 * different nodes. A cluster connection that loses a node keeps serving the others while a fresh one, with the new
 * topology, is opened to replace it. Connections are reopened with backoff; their state is confined to
 * {@link #loop()}. Subscriptions are the {@link PubSubLink}'s.
 */
@ApplicationScoped
@Typed(RedisShard.class)
public class RedisShard {

    private static final Logger LOG = Logger.getLogger(RedisShard.class);

    private final Instance<Redis> redis;
    private final RedisClientOptions options;
    private final Vertx vertx;
    private final RoomcastConfig config;
    private final ConfinedLoop loop;

    // Confined to the loop.
    private Backoff commandBackoff;
    private Backoff publisherBackoff;
    private boolean started;
    private boolean stopped;
    private boolean replacing;
    private int publisherAttempts;
    private List<String> topologyNodes = List.of();
    private Redis publisherClient;

    private volatile RedisConnection commands;
    private volatile RedisConnection publisher;
    private volatile Boolean cluster;

    RedisShard(Instance<Redis> redis, RedisClientOptions options, Vertx vertx, RoomcastConfig config) {
        this.redis = redis;
        this.options = options;
        this.vertx = vertx;
        this.config = config;
        this.loop = new ConfinedLoop(vertx);
    }

    /** The context the shard's state, and the pub/sub link's, are confined to. */
    ConfinedLoop loop() {
        return loop;
    }

    Vertx vertx() {
        return vertx;
    }

    RedisClientOptions options() {
        return options;
    }

    RoomcastConfig config() {
        return config;
    }

    /**
     * How often a subscriber connection is PINGed, a ping left unanswered that long counting as the connection lost:
     * {@code roomcast.redis.subscribe-timeout}. 0 (no pings) unless the client negotiates RESP3, where a PONG can never
     * be taken for a published message.
     */
    long subscriberPingMillis() {
        return options.resp3() ? config.redis().subscribeTimeout().toMillis() : 0;
    }

    /** A subscriber connection on this shard's loop, with its backoff and pings. */
    SubscriberConnection subscriber(
            String label,
            Supplier<Future<RedisConnection>> connector,
            PubSubLink.Listener listener,
            SubscriberConnection.Owner owner) {
        return new SubscriberConnection(
                label, connector, loop, vertx, newBackoff(), subscriberPingMillis(), listener, owner);
    }

    /** The cluster's nodes as the last topology read named them: where the pinned publisher may go next. */
    void knownNodes(List<String> nodes) {
        loop.run(() -> topologyNodes = List.copyOf(nodes));
    }

    Backoff newBackoff() {
        return new Backoff(config.redis().reconnectMin(), config.redis().reconnectMax());
    }

    /** Whether Redis is a cluster: room and user channels are then shard channels. */
    public boolean cluster() {
        Boolean known = cluster;
        if (known == null) {
            redis.get(); // creates the client, which hands its options over
            known = options.cluster();
            cluster = known;
        }
        return known;
    }

    /** A connection of the configured client: to the one Redis, or to the cluster. */
    Future<RedisConnection> connect() {
        return redis.get().connect();
    }

    /** Opens the connections; idempotent. */
    void start() {
        loop.run(() -> {
            if (started) {
                return;
            }
            started = true;
            commandBackoff = newBackoff();
            publisherBackoff = newBackoff();
            connectCommands();
            if (cluster()) {
                connectPublisher();
            }
        });
    }

    void stop() {
        loop.run(() -> {
            stopped = true;
            RedisConnection current = commands;
            commands = null;
            if (current != null) {
                current.close();
            }
            RedisConnection pinned = publisher;
            publisher = null;
            if (pinned != null) {
                pinned.close();
            }
            if (publisherClient != null) {
                publisherClient.close();
            }
        });
    }

    /** Sends a command: after every command sent before it (with a cluster: before it to the same master). */
    public Uni<Response> send(Request request) {
        return send(commands, request);
    }

    /**
     * Publishes a body: on a shard channel with {@code SPUBLISH} (cluster only), else with {@code PUBLISH} (with a
     * cluster, through the pinned node, so that classic publishes keep their order).
     */
    Uni<Response> publish(String channel, String body, boolean sharded) {
        if (sharded) {
            return send(commands, Request.cmd(Command.SPUBLISH).arg(channel).arg(body));
        }
        return send(
                Boolean.TRUE.equals(cluster) ? publisher : commands,
                Request.cmd(Command.PUBLISH).arg(channel).arg(body));
    }

    /** Whether commands and publishes of both kinds can leave now. */
    boolean connected() {
        return commands != null && (!Boolean.TRUE.equals(cluster) || publisher != null);
    }

    /** Whether a publish of this kind can leave now: a shard channel's needs only the cluster connection. */
    boolean canPublish(boolean sharded) {
        return sharded ? commands != null : connected();
    }

    /** Round trip on the command connection, for the readiness check. */
    public Uni<Void> ping() {
        return send(Request.cmd(Command.PING)).replaceWithVoid();
    }

    private static Uni<Response> send(RedisConnection connection, Request request) {
        if (connection == null) {
            return Uni.createFrom().failure(RoomcastException.unavailable("the cluster link (Redis) is down"));
        }
        return UniHelper.toUni(connection.send(request));
    }

    private void connectCommands() {
        open(
                this::connect,
                commandBackoff,
                "command",
                this::connectCommands,
                connection -> {
                    RedisConnection previous = commands;
                    commands = connection;
                    replacing = false;
                    if (previous != null) {
                        previous.close();
                    }
                },
                this::commandsLost);
    }

    /**
     * With one Redis, a lost connection is gone: commands fail until the next one is up. A cluster connection lost a
     * node only: it keeps serving the other masters (and the failed one's replica once promoted) while a fresh
     * connection, which learns the topology anew, is opened; it takes over once up.
     */
    private void commandsLost(RedisConnection connection, Throwable failure) {
        if (connection != commands) {
            return;
        }
        if (!Boolean.TRUE.equals(cluster)) {
            commands = null;
            connection.close();
        } else if (replacing) {
            return;
        }
        replacing = true;
        LOG.warnf(
                "Redis command connection %s (%s); reconnecting",
                Boolean.TRUE.equals(cluster) ? "lost a node" : "lost",
                failure == null ? "closed" : failure.getMessage());
        retry(commandBackoff, this::connectCommands);
    }

    private void connectPublisher() {
        // The seeds, then every node the cluster named: a seed gone for good does not take publishing with it.
        Set<String> candidates = new LinkedHashSet<>(options.seeds());
        candidates.addAll(topologyNodes);
        List<String> nodes = new ArrayList<>(candidates);
        String seed = nodes.get(Math.floorMod(publisherAttempts++, nodes.size()));
        if (publisherClient != null) {
            publisherClient.close();
        }
        Redis client = options.standaloneClient(vertx, seed);
        publisherClient = client;
        open(
                client::connect,
                publisherBackoff,
                "publisher",
                this::connectPublisher,
                connection -> publisher = connection,
                (lost, failure) -> {
                    if (lost != publisher) {
                        return;
                    }
                    publisher = null;
                    lost.close();
                    LOG.warnf(
                            "Redis publisher connection lost (%s); reconnecting", failure == null ? "closed" : failure);
                    retry(publisherBackoff, this::connectPublisher);
                });
    }

    private void open(
            Supplier<Future<RedisConnection>> connector,
            Backoff backoff,
            String name,
            Runnable again,
            Consumer<RedisConnection> up,
            LostHandler lost) {
        connector
                .get()
                .onComplete(result -> loop.run(() -> {
                    if (result.failed()) {
                        if (backoff.retrying()) {
                            LOG.debugf(
                                    "Redis %s connection failed again: %s",
                                    name, result.cause().getMessage());
                        } else {
                            LOG.warnf(
                                    "Redis %s connection failed: %s; retrying",
                                    name, result.cause().getMessage());
                        }
                        retry(backoff, again);
                        return;
                    }
                    RedisConnection connection = result.result();
                    if (stopped) {
                        connection.close();
                        return;
                    }
                    backoff.reset();
                    connection.exceptionHandler(failure -> loop.run(() -> lost.lost(connection, failure)));
                    connection.endHandler(ignored -> loop.run(() -> lost.lost(connection, null)));
                    up.accept(connection);
                }));
    }

    private void retry(Backoff backoff, Runnable attempt) {
        long delay = backoff.next();
        loop.after(delay, () -> {
            if (!stopped) {
                attempt.run();
            }
        });
    }

    private interface LostHandler {
        void lost(RedisConnection connection, Throwable failure);
    }
}
