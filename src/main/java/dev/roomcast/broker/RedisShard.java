package dev.roomcast.broker;

import dev.roomcast.RoomcastConfig;
import dev.roomcast.error.RoomcastException;
import dev.roomcast.loop.ConfinedLoop;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.vertx.UniHelper;
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
 * The pod's link to one Redis, shared by the broker (pub/sub) and Redis presence (scripts), as centrifuge's
 * {@code RedisShard} is: a command connection, pipelined so that commands leave in the order they are sent (publishes,
 * presence changes), and a subscriber connection, whose pushes go to one {@link SubscriberListener}. Each connection
 * is reconnected with backoff when lost. Connection state is confined to one event-loop context, {@link #loop()},
 * where the listener is called too.
 */
@ApplicationScoped
@Typed(RedisShard.class)
public class RedisShard {

    private static final Logger LOG = Logger.getLogger(RedisShard.class);

    /** The owner of the subscriber connection: hears its pushes and its comings and goings, on the shard's loop. */
    interface SubscriberListener {

        /** A (new) subscriber connection is up: everything needed must be subscribed again on it. */
        void subscriberConnected();

        void push(Response push);

        void subscriberLost();
    }

    private final Instance<Redis> redis;
    private final Vertx vertx;
    private final long reconnectMinMillis;
    private final long reconnectMaxMillis;
    private final ConfinedLoop loop;

    // Confined to the loop.
    private SubscriberListener listener;
    private RedisConnection subscriber;
    private long subscriberBackoff;
    private long commandBackoff;
    private boolean stopped;

    private volatile RedisConnection commands;

    RedisShard(Instance<Redis> redis, Vertx vertx, RoomcastConfig config) {
        this.redis = redis;
        this.vertx = vertx;
        this.reconnectMinMillis = config.redis().reconnectMin().toMillis();
        this.reconnectMaxMillis = config.redis().reconnectMax().toMillis();
        this.loop = new ConfinedLoop(vertx);
    }

    /** The context the shard's state, and its listener's calls, are confined to. */
    ConfinedLoop loop() {
        return loop;
    }

    /** Connects both connections; the listener owns the subscriber connection's traffic from now on. */
    void start(SubscriberListener subscriberListener) {
        loop.run(() -> {
            listener = subscriberListener;
            connectSubscriber();
            connectCommands();
        });
    }

    void stop() {
        loop.run(() -> {
            stopped = true;
            if (subscriber != null) {
                subscriber.close();
                subscriber = null;
            }
            RedisConnection current = commands;
            commands = null;
            if (current != null) {
                current.close();
            }
        });
    }

    /** Sends a command on the command connection, after every command sent before it. */
    public Uni<Response> send(Request request) {
        RedisConnection connection = commands;
        if (connection == null) {
            return Uni.createFrom().failure(RoomcastException.unavailable("the cluster link (Redis) is down"));
        }
        return UniHelper.toUni(connection.send(request));
    }

    /** Whether the command connection is up. */
    boolean commandsConnected() {
        return commands != null;
    }

    /** Sends on the subscriber connection, on the loop; false when there is none (the next one is announced). */
    boolean sendOnSubscriber(Request request) {
        if (subscriber == null) {
            return false;
        }
        subscriber.send(request);
        return true;
    }

    /** Round trip on the command connection, for the readiness check. */
    public Uni<Void> ping() {
        return send(Request.cmd(Command.PING)).replaceWithVoid();
    }

    private void connectSubscriber() {
        redis.get()
                .connect()
                .onComplete(result -> loop.run(() -> {
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
                    connection.handler(push -> loop.run(() -> {
                        if (connection == subscriber && push != null) {
                            listener.push(push);
                        }
                    }));
                    connection.exceptionHandler(failure -> loop.run(() -> subscriberLost(connection, failure)));
                    connection.endHandler(ignored -> loop.run(() -> subscriberLost(connection, null)));
                    listener.subscriberConnected();
                }));
    }

    private void connectCommands() {
        redis.get()
                .connect()
                .onComplete(result -> loop.run(() -> {
                    if (result.failed()) {
                        logAttemptFailure("command", commandBackoff, result.cause());
                        commandBackoff = scheduleRetry(commandBackoff, this::connectCommands);
                        return;
                    }
                    RedisConnection connection = result.result();
                    if (stopped) {
                        connection.close();
                        return;
                    }
                    commandBackoff = 0;
                    connection.exceptionHandler(failure -> loop.run(() -> commandsLost(connection, failure)));
                    connection.endHandler(ignored -> loop.run(() -> commandsLost(connection, null)));
                    commands = connection;
                }));
    }

    private void subscriberLost(RedisConnection connection, Throwable failure) {
        if (connection != subscriber) {
            return;
        }
        subscriber = null;
        connection.close();
        listener.subscriberLost();
        if (!stopped) {
            LOG.warnf(
                    "Redis subscriber connection lost (%s); reconnecting",
                    failure == null ? "closed" : failure.getMessage());
            subscriberBackoff = scheduleRetry(subscriberBackoff, this::connectSubscriber);
        }
    }

    private void commandsLost(RedisConnection connection, Throwable failure) {
        if (connection != commands) {
            return;
        }
        commands = null;
        connection.close();
        if (!stopped) {
            LOG.warnf(
                    "Redis command connection lost (%s); reconnecting",
                    failure == null ? "closed" : failure.getMessage());
            commandBackoff = scheduleRetry(commandBackoff, this::connectCommands);
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
        loop.later(() -> vertx.setTimer(
                delay,
                id -> loop.run(() -> {
                    if (!stopped) {
                        attempt.run();
                    }
                })));
        return delay;
    }
}
