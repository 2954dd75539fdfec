package dev.roomcast.session;

/**
 * A token bucket for one connection (or one user's HTTP requests) and one limit. A connection's frames are handled one
 * at a time on its event loop, so the bucket needs no atomics: two fields, refilled lazily on each take; a shared one
 * is guarded by its owner.
 */
public final class TokenBucket {

    private double tokens;
    private long stampNanos;

    public TokenBucket(double burst, long nowNanos) {
        this.tokens = burst;
        this.stampNanos = nowNanos;
    }

    /** Adds the tokens earned since the last call and reports what is available. */
    public double refill(RateLimitPolicy.Limit limit, long nowNanos) {
        long elapsed = nowNanos - stampNanos;
        if (elapsed > 0) {
            tokens = Math.min(limit.burst(), tokens + elapsed * limit.perNano());
            stampNanos = nowNanos;
        }
        return tokens;
    }

    /** Takes {@code cost} tokens; the level may go below zero (a debt the refill pays back). */
    public void take(double cost) {
        tokens -= cost;
    }

    /** Milliseconds until {@code need} tokens are available, given the current level. */
    public static long millisUntil(double need, double tokens, RateLimitPolicy.Limit limit) {
        return (long) Math.ceil((need - tokens) / limit.rate() * 1000);
    }
}
