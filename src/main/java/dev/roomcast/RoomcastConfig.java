package dev.roomcast;

import java.time.Duration;
import java.util.Map;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/**
 * Every {@code roomcast.*} setting, with its default. Set from outside as {@code -Droomcast.x=y} or the
 * matching environment variable ({@code ROOMCAST_X}); durations in Quarkus's short form ({@code 5s}, {@code 2m}).
 * The README lists each key.
 */
@ConfigMapping(prefix = "roomcast")
public interface RoomcastConfig {

    /**
     * How pods are linked: {@code local} (one pod, no Redis) or {@code redis}. Unset: {@code redis} when
     * {@code quarkus.redis.hosts} is configured, else {@code local} (derived by {@link DerivedConfig}).
     */
    BrokerKind broker();

    Auth auth();

    Heartbeat heartbeat();

    /** Rooms a connection may be in at once, not counting its automatic {@code user:} and {@code client:} rooms. */
    @WithDefault("100")
    int maxRoomsPerClient();

    /** Largest inbound WebSocket frame (and message) in bytes; larger closes with 1009. */
    @WithDefault("65536")
    int maxFrameBytes();

    /**
     * Namespaces clients may use besides the built-in {@code user} and {@code client}. The defaults for
     * {@code chat} and {@code live} are in application.properties; a new namespace needs only one key
     * (e.g. {@code roomcast.namespaces.game.join=any}).
     */
    Map<String, Namespace> namespaces();

    /**
     * Token buckets per connection, keyed by event name; {@code all} limits every frame. Defaults (in
     * application.properties): all 50/s burst 100, message.send 10/s burst 20, typing 3/s burst 5, join 20/s burst 40.
     */
    @WithName("rate-limits")
    Map<String, RateLimit> rateLimits();

    Redis redis();

    Shutdown shutdown();

    History history();

    Presence presence();

    SlowConsumer slowConsumer();

    enum BrokerKind {
        LOCAL,
        REDIS
    }

    interface Auth {
        /** Time an unauthenticated socket has to send {@code authenticate} before close 4001. */
        @WithDefault("5s")
        Duration timeout();
    }

    interface Heartbeat {
        /** Inactivity after which a socket is closed with 4002; clients are told to beat at half of it. */
        @WithDefault("60s")
        Duration timeout();
    }

    interface Namespace {
        /** Who may join: {@code any} authenticated user, or {@code members} of the room (rooms kept by the chat service). */
        @WithDefault("any")
        JoinRule join();

        /** Whether clients may {@code publish} ephemeral events into the namespace's rooms. */
        @WithDefault("false")
        boolean publish();

        /** Whether room events are persisted with offsets (history and recovery). */
        @WithDefault("false")
        boolean history();

        /** Whether presence is tracked for the namespace's rooms. */
        @WithDefault("false")
        boolean presence();
    }

    enum JoinRule {
        ANY,
        MEMBERS
    }

    interface RateLimit {
        /** Tokens added per second. */
        double rate();

        /** Bucket capacity: the largest burst allowed after a quiet period. */
        int burst();
    }

    interface History {
        /** Events kept per room for recovery; older ones are pruned. */
        @WithDefault("10000")
        long maxEvents();

        /** Age after which events are pruned, whichever of the two limits keeps less. */
        @WithDefault("7d")
        Duration maxAge();

        /**
         * How often each pod compares the rooms it streams with the event log. An event committed at least this long
         * ago and still not delivered here (Redis lost it, or Redis is down) is read from the log; a room deleted
         * while its {@code room.deleted} was lost is closed here.
         */
        @WithDefault("2s")
        Duration catchUpInterval();
    }

    interface SlowConsumer {
        /**
         * Bytes of live events a connection may have waiting to be written to its socket. Above half of it, ephemeral
         * events (typing, presence, publish, emits) are dropped for that connection; a persisted event that would
         * exceed it closes the connection with 4008 (the client recovers by offset). Replies and a join's replay are
         * not counted.
         */
        @WithDefault("1048576")
        int maxQueuedBytes();
    }

    interface Presence {
        /**
         * Lease of a pod's presence entries: a pod renews it every second (or every third of it, if shorter); when a
         * pod dies, the others remove its clients from presence, with {@code presence.leave}, once it has expired.
         */
        @WithDefault("30s")
        Duration ttl();
    }

    interface Shutdown {
        /**
         * Window over which a stopping pod spreads its clients' reconnections: each gets {@code reconnect} with its own
         * {@code afterMs} within it and is closed with 1001 at that moment. Sets Quarkus's shutdown delay (plus 0.5 s).
         */
        @WithDefault("10s")
        Duration drain();
    }

    interface Redis {
        /** How long a join waits for the pod's Redis subscription to become active before it fails. */
        @WithDefault("5s")
        Duration subscribeTimeout();

        /** First and longest pause between attempts to reconnect to Redis. */
        @WithDefault("100ms")
        Duration reconnectMin();

        @WithDefault("2s")
        Duration reconnectMax();
    }
}
