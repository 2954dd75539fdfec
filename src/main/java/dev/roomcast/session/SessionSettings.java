package dev.roomcast.session;

import dev.roomcast.RoomcastConfig;
import dev.roomcast.observability.RoomcastMetrics;
import dev.roomcast.security.Revocations;
import dev.roomcast.security.TokenVerifier;
import jakarta.inject.Singleton;

/** What every session shares, read once from configuration: one reference per session instead of many fields. */
@Singleton
public class SessionSettings {

    final long authTimeoutNanos;
    final long heartbeatTimeoutNanos;
    final long clockSkewSeconds;
    final RateLimitPolicy rateLimits;
    final RoomcastMetrics metrics;
    /** {@code roomcast.slow-consumer.max-queued-bytes}. */
    final int maxQueuedBytes;
    /** The revocations in force, which each session's token is checked against when they change. */
    final Revocations revocations;

    SessionSettings(
            RoomcastConfig config,
            TokenVerifier verifier,
            Revocations revocations,
            RateLimitPolicy rateLimits,
            RoomcastMetrics metrics) {
        this.revocations = revocations;
        this.authTimeoutNanos = config.auth().timeout().toNanos();
        this.heartbeatTimeoutNanos = config.heartbeat().timeout().toNanos();
        this.clockSkewSeconds = verifier.clockSkewSeconds();
        this.rateLimits = rateLimits;
        this.metrics = metrics;
        this.maxQueuedBytes = config.slowConsumer().maxQueuedBytes();
    }
}
