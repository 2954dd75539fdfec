package dev.roomcast.broker;

import dev.roomcast.loop.ConfinedLoop;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * One Redis connection in subscriber mode: holds the names it was given, subscribes to each as soon as it is connected
 * (again after every reconnect, with backoff), and reports each one active once Redis confirmed it, inactive when it
 * lost it. Redis answers subscription commands in order, one reply per name, so the replies are matched to the
 * commands sent: a confirmation counts only when it answers the last SUBSCRIBE sent for its name (one sent, released
 * and sent again is active only after the second reply). A reply that answers nothing sent is the server withdrawing
 * a shard channel whose slot moved; an error reply (a {@code MOVED}) refuses the command it answers: both are
 * reported as displaced, for the owner to place the name again. A connection that leaves a PING unanswered for a whole
 * interval is taken for lost (a host gone without closing its sockets would otherwise keep its subscriptions
 * "active" for ever). Confined to one loop.
 */
final class SubscriberConnection {

    private static final Logger LOG = Logger.getLogger(SubscriberConnection.class);

    /**
     * What a subscriber connection reports to the link that owns it, on its loop; messages, and names becoming active
     * or inactive, go straight to the link's listener (an inactive name is subscribed again when the connection is
     * back).
     */
    interface Owner {

        /**
         * The server refused or withdrew the subscription (its slot is served elsewhere): this connection no longer
         * holds the name, which was not active or is no longer.
         */
        void displaced(String name, String reason);

        /** The connection came up (every name is on its way) or went down. */
        void connection(SubscriberConnection connection, boolean up);
    }

    private final String label;
    private final Supplier<Future<RedisConnection>> connector;
    private final ConfinedLoop loop;
    private final Vertx vertx;
    private final Backoff backoff;
    private final PubSubLink.Listener listener;
    private final Owner owner;

    private final Map<String, SubscriptionKind> wanted = new HashMap<>();
    private final Set<String> active = new HashSet<>();
    /** Commands sent whose replies are awaited, in the order Redis answers them. */
    private final ArrayDeque<Sent> sent = new ArrayDeque<>();
    /** Per name, the SUBSCRIBE commands sent and not answered yet. */
    private final Map<String, Integer> awaited = new HashMap<>();

    /** Read from other threads by readiness. */
    private volatile RedisConnection connection;

    private boolean started;
    private boolean stopped;
    private final long pingMillis;
    private long pingTimer = -1;
    private boolean pingUnanswered;

    SubscriberConnection(
            String label,
            Supplier<Future<RedisConnection>> connector,
            ConfinedLoop loop,
            Vertx vertx,
            Backoff backoff,
            long pingMillis,
            PubSubLink.Listener listener,
            Owner owner) {
        this.label = label;
        this.connector = connector;
        this.loop = loop;
        this.vertx = vertx;
        this.backoff = backoff;
        this.pingMillis = pingMillis;
        this.listener = listener;
        this.owner = owner;
    }

    String label() {
        return label;
    }

    void start() {
        if (!started) {
            started = true;
            connect();
        }
    }

    /** Closes the connection for good, without reporting the names it held. */
    void stop() {
        stopped = true;
        stopPings();
        RedisConnection current = connection;
        connection = null;
        if (current != null) {
            current.close();
        }
        active.clear();
        sent.clear();
        awaited.clear();
    }

    void add(String name, SubscriptionKind kind) {
        if (wanted.putIfAbsent(name, kind) == null && connection != null) {
            send(name, kind, true);
        }
    }

    void remove(String name) {
        SubscriptionKind kind = wanted.remove(name);
        active.remove(name);
        if (kind != null && connection != null) {
            send(name, kind, false);
        }
    }

    boolean holds(String name) {
        return wanted.containsKey(name);
    }

    /** The names this connection holds, active or not. */
    Set<String> names() {
        return wanted.keySet();
    }

    boolean connected() {
        return connection != null;
    }

    /** Connected, and every name it holds confirmed. */
    boolean whole() {
        return connection != null && active.size() == wanted.size();
    }

    private void send(String name, SubscriptionKind kind, boolean subscribe) {
        sent.add(new Sent(name, kind, subscribe));
        if (subscribe) {
            awaited.merge(name, 1, Integer::sum);
        }
        connection.send(
                Request.cmd(subscribe ? kind.subscribe : kind.unsubscribe).arg(name));
    }

    private void connect() {
        connector
                .get()
                .onComplete(result -> loop.run(() -> {
                    if (stopped) {
                        if (result.succeeded()) {
                            result.result().close();
                        }
                        return;
                    }
                    if (result.failed()) {
                        if (!backoff.retrying()) {
                            LOG.warnf(
                                    "Redis subscriber %s: %s; retrying",
                                    label, result.cause().getMessage());
                        }
                        retry();
                        return;
                    }
                    RedisConnection opened = result.result();
                    connection = opened;
                    backoff.reset();
                    opened.handler(push -> loop.run(() -> {
                        if (opened == connection && push != null) {
                            received(push);
                        }
                    }));
                    opened.exceptionHandler(failure -> loop.run(() -> lost(opened, failure)));
                    opened.endHandler(ignored -> loop.run(() -> lost(opened, null)));
                    for (Map.Entry<String, SubscriptionKind> name : wanted.entrySet()) {
                        send(name.getKey(), name.getValue(), true);
                    }
                    LOG.debugf("Redis subscriber %s connected; %d names subscribed", label, wanted.size());
                    startPings(opened);
                    owner.connection(this, true);
                }));
    }

    private void lost(RedisConnection lost, Throwable failure) {
        if (lost != connection) {
            return;
        }
        connection = null;
        stopPings();
        lost.close();
        sent.clear();
        awaited.clear();
        List<String> wereActive = new ArrayList<>(active);
        active.clear();
        LOG.warnf(
                "Redis subscriber %s lost (%s); reconnecting",
                label, failure == null ? "closed" : failure.getMessage());
        owner.connection(this, false);
        for (String name : wereActive) {
            listener.inactive(name);
        }
        if (!stopped) {
            retry();
        }
    }

    /**
     * PINGs the connection every interval; one still unanswered at the next tick means the connection is gone. (With
     * RESP3, which the client negotiates with Redis 6 and later, a PONG is a reply and a published message a push;
     * pings are off otherwise. The PONG may reach {@link #received} rather than the PING's promise: see there.)
     */
    private void startPings(RedisConnection opened) {
        if (pingMillis <= 0) {
            return;
        }
        pingUnanswered = false;
        pingTimer = vertx.setPeriodic(
                pingMillis,
                id -> loop.run(() -> {
                    if (opened != connection) {
                        return;
                    }
                    if (pingUnanswered) {
                        lost(opened, new IllegalStateException("no answer to PING within " + pingMillis + " ms"));
                        return;
                    }
                    pingUnanswered = true;
                    opened.send(Request.cmd(Command.PING))
                            .onComplete(answer -> loop.run(() -> {
                                if (opened == connection && answer.succeeded()) {
                                    pingUnanswered = false;
                                }
                            }));
                }));
    }

    private void stopPings() {
        if (pingTimer != -1) {
            vertx.cancelTimer(pingTimer);
            pingTimer = -1;
        }
    }

    private void retry() {
        long delay = backoff.next();
        loop.after(delay, () -> {
            if (!stopped && connection == null) {
                connect();
            }
        });
    }

    private void received(Response push) {
        if (push.type() == ResponseType.ERROR) {
            refused(push.toString());
            return;
        }
        if (push.type() != ResponseType.PUSH && push.type() != ResponseType.MULTI) {
            // A PING's answer that reached the handler instead of the PING's own promise: Vert.x hands a waiting
            // command's promise to the first reply that arrives after it, pushes included, so a message published while
            // a PING waits takes the PING's promise and the PONG comes here. It answers the PING all the same.
            if ("PONG".equalsIgnoreCase(push.toString())) {
                pingUnanswered = false;
            }
            return;
        }
        if (push.size() < 2) {
            return;
        }
        String type = push.get(0).toString();
        switch (type) {
            case "message", "smessage" -> {
                if (push.size() >= 3) {
                    listener.message(push.get(1).toString(), push.get(2).toString());
                }
            }
            case "pmessage" -> {
                if (push.size() >= 4) {
                    listener.message(push.get(2).toString(), push.get(3).toString());
                }
            }
            default -> answered(type, push.get(1).toString());
        }
    }

    private void answered(String type, String name) {
        Sent head = sent.peek();
        if (head != null && head.answeredBy(type, name)) {
            sent.poll();
            if (head.subscribe && settled(name) && wanted.get(name) == head.kind && active.add(name)) {
                listener.active(name);
            }
            return;
        }
        // Answers nothing sent: the server withdrew the subscription (Redis unsubscribes a shard channel's subscribers
        // when its slot moves to another master).
        if (type.equals(SubscriptionKind.SHARD.unsubscribed)
                && wanted.containsKey(name)
                && !awaited.containsKey(name)) {
            wanted.remove(name);
            active.remove(name);
            owner.displaced(name, "withdrawn by the server");
        }
    }

    private void refused(String error) {
        Sent head = sent.poll();
        if (head == null) {
            LOG.warnf("Redis subscriber %s: unexpected error %s", label, error);
            return;
        }
        if (!head.subscribe) {
            return;
        }
        if (settled(head.name) && wanted.get(head.name) == head.kind) {
            wanted.remove(head.name);
            active.remove(head.name);
            owner.displaced(head.name, error);
        }
    }

    /** Counts one SUBSCRIBE of the name answered; true when none is left unanswered. */
    private boolean settled(String name) {
        Integer left = awaited.computeIfPresent(name, (ignored, count) -> count > 1 ? count - 1 : null);
        return left == null;
    }

    private record Sent(String name, SubscriptionKind kind, boolean subscribe) {

        boolean answeredBy(String type, String repliedName) {
            return name.equals(repliedName) && type.equals(subscribe ? kind.subscribed : kind.unsubscribed);
        }
    }
}
