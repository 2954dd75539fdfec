package dev.roomcast.session;

import dev.roomcast.RoomcastConfig;
import dev.roomcast.observability.DropReason;
import dev.roomcast.observability.RoomcastMetrics;
import dev.roomcast.security.TokenVerifier;
import jakarta.inject.Singleton;
import java.util.function.Consumer;

/** What every session shares, read once from configuration: one reference per session instead of many fields. */
@Singleton
public class SessionSettings {

    final long authTimeoutNanos;
    final long heartbeatTimeoutNanos;
    final long clockSkewSeconds;
    final RateLimitPolicy rateLimits;
    final RoomcastMetrics metrics;
    /** One shared callback for failed writes, so that a write allocates no handler. */
    final Consumer<Throwable> onWriteFailure;
    /** {@code roomcast.slow-consumer.max-queued-bytes}. */
    final int maxQueuedBytes;

    SessionSettings(
            RoomcastConfig config, TokenVerifier verifier, RateLimitPolicy rateLimits, RoomcastMetrics metrics) {
        this.authTimeoutNanos = config.auth().timeout().toNanos();
        this.heartbeatTimeoutNanos = config.heartbeat().timeout().toNanos();
        this.clockSkewSeconds = verifier.clockSkewSeconds();
        this.rateLimits = rateLimits;
        this.metrics = metrics;
        this.onWriteFailure = failure -> metrics.dropped(DropReason.CLOSED);
        this.maxQueuedBytes = config.slowConsumer().maxQueuedBytes();
    }
}
