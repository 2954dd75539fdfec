package dev.roomcast.rest;

import dev.roomcast.RoomcastConfig;
import dev.roomcast.session.RateLimitPolicy;
import dev.roomcast.session.TokenBucket;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-user token buckets for the HTTP API ({@code roomcast.rest-rate-limits.reads} and {@code .writes}), on each pod. A
 * user's requests may arrive on any event loop at once, so each user's buckets are guarded by their own lock. Buckets
 * that have filled up again are forgotten every few seconds: a full bucket is what a new one would be, so the map holds
 * only the users who were busy lately.
 */
@ApplicationScoped
public class RestRateLimits {

    static final String READS = "reads";
    static final String WRITES = "writes";

    private final RateLimitPolicy.Limit reads;
    private final RateLimitPolicy.Limit writes;
    private final Map<String, UserBuckets> users = new ConcurrentHashMap<>();

    RestRateLimits(RoomcastConfig config) {
        this.reads = limit(config, READS);
        this.writes = limit(config, WRITES);
    }

    private static RateLimitPolicy.Limit limit(RoomcastConfig config, String name) {
        RoomcastConfig.RateLimit configured = config.restRateLimits().get(name);
        if (configured == null) {
            throw new IllegalStateException("roomcast.rest-rate-limits." + name + ".rate and .burst must be set");
        }
        return RateLimitPolicy.Limit.of(configured);
    }

    @Scheduled(every = "5s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void sweep() {
        sweep(System.nanoTime());
    }

    /** @return 0 when the request may proceed (its token is taken), else the milliseconds until it may */
    public long tryAcquire(String userId, boolean write, long nowNanos) {
        UserBuckets buckets = users.computeIfAbsent(userId, ignored -> new UserBuckets(reads, writes, nowNanos));
        return buckets.tryAcquire(write ? writes : reads, write, nowNanos);
    }

    /** Users whose lately busy buckets are whole again. */
    int tracked() {
        return users.size();
    }

    void sweep(long nowNanos) {
        users.values().removeIf(buckets -> buckets.full(reads, writes, nowNanos));
    }

    private static final class UserBuckets {
        private final TokenBucket reads;
        private final TokenBucket writes;

        UserBuckets(RateLimitPolicy.Limit readLimit, RateLimitPolicy.Limit writeLimit, long nowNanos) {
            this.reads = new TokenBucket(readLimit.burst(), nowNanos);
            this.writes = new TokenBucket(writeLimit.burst(), nowNanos);
        }

        synchronized long tryAcquire(RateLimitPolicy.Limit limit, boolean write, long nowNanos) {
            TokenBucket bucket = write ? writes : reads;
            double tokens = bucket.refill(limit, nowNanos);
            if (tokens >= 1) {
                bucket.take(1);
                return 0;
            }
            return Math.max(1, TokenBucket.millisUntil(1, tokens, limit));
        }

        synchronized boolean full(RateLimitPolicy.Limit readLimit, RateLimitPolicy.Limit writeLimit, long nowNanos) {
            return reads.refill(readLimit, nowNanos) >= readLimit.burst()
                    && writes.refill(writeLimit, nowNanos) >= writeLimit.burst();
        }
    }
}
