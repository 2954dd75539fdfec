package dev.roomcast;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

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

    /**
     * Rooms a connection may be in at once, not counting its automatic {@code user:} and {@code client:} rooms; also the
     * most rooms one {@code join} or {@code leave} frame may name.
     */
    @WithDefault("100")
    int maxRoomsPerClient();

    /** Sessions one user may hold at once, across every pod and transport: one more is refused (429, or 1008). */
    @WithDefault("100")
    int maxConnectionsPerUser();

    /** Chat rooms one user may own: creating one more is refused with 403 {@code LIMIT_EXCEEDED}. */
    @WithDefault("1000")
    int maxRoomsPerUser();

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

    /**
     * Token buckets per user and pod for the HTTP API: {@code reads} (GET, HEAD) and {@code writes} (every other
     * method). Defaults (in application.properties): reads 50/s burst 100, writes 20/s burst 40.
     */
    @WithName("rest-rate-limits")
    Map<String, RateLimit> restRateLimits();

    Cluster cluster();

    Notifications notifications();

    Redis redis();

    /**
     * Whether every client must negotiate transport encryption (PROTOCOL.md section 10): one that authenticates without
     * a {@code publicKey} is closed with 4004.
     */
    @WithDefault("false")
    boolean requireEncryption();

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

        /**
         * Sockets a pod holds open without authentication (waiting for {@code authenticate}); upgrades without a token
         * beyond it are refused with 503.
         */
        @WithDefault("1000")
        int maxUnauthenticated();

        /**
         * Verified tokens remembered by the pod, so that a token seen again (a reconnect, a second tab) is not parsed
         * and its signature checked anew; its expiry is still checked every time. Only tokens of at most 4096
         * characters are remembered; 0 turns the cache off.
         */
        @WithDefault("4096")
        int tokenCacheSize();

        /**
         * The longest a token may live: one whose {@code exp - iat} exceeds it, or that lacks {@code iat} or {@code exp},
         * is invalid. Also how long a user's revocation is kept after its {@code issuedBefore}: no token it matches can
         * be valid any longer.
         */
        @WithDefault("24h")
        Duration maxTokenLifetime();

        /**
         * Token revocations kept at once across the service, those out of force counted until they are deleted (within a
         * minute of expiring, an hour for rows stored while the link between pods was down; every pod holds them all in
         * memory, about 100 bytes each); beyond it, {@code POST /api/revocations} is refused with 403
         * {@code LIMIT_EXCEEDED}.
         */
        @WithDefault("100000")
        int maxRevocations();
    }

    interface Cluster {
        /**
         * The secret every pod signs its Redis bodies with (HMAC-SHA256), at least 16 bytes, the same on every pod.
         * Unset: pods trust every body on their channels (development on one machine only).
         */
        Optional<String> secret();
    }

    interface Notifications {
        /** Stored notifications older than this are deleted (hourly). */
        @WithDefault("30d")
        Duration maxAge();
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

        /** Events one recovery may replay: a client that missed more gets {@code recovered:false} and reloads. */
        @WithDefault("1000")
        int maxReplay();

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
         * Characters a connection may have waiting to be written to its socket, every frame counted (events, replies, a
         * join's replay, and what a joining connection's rooms keep for it until its ack). Above half of it, ephemeral
         * events (typing, presence, publish, emits) are dropped for that connection; anything else that would exceed it
         * closes the connection with 4008 (the client recovers by offset). A replay waits for room rather than overflow.
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
        /**
         * How long a join waits for the pod's Redis subscription to become active before it fails; also how often each
         * subscriber connection is PINGed, one that leaves a PING unanswered that long being taken for lost.
         */
        @WithDefault("5s")
        Duration subscribeTimeout();

        /** First and longest pause between attempts to reconnect to Redis. */
        @WithDefault("100ms")
        Duration reconnectMin();

        @WithDefault("2s")
        Duration reconnectMax();
    }
}
