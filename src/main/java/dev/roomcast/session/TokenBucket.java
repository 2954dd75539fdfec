package dev.roomcast.session;

/**
 * A token bucket for one connection and one limit. A connection's frames are handled one at a time on its event
 * loop, so the bucket needs no atomics: two fields, refilled lazily on each take.
 */
final class TokenBucket {

    private double tokens;
    private long stampNanos;

    TokenBucket(double burst, long nowNanos) {
        this.tokens = burst;
        this.stampNanos = nowNanos;
    }

    /** Adds the tokens earned since the last call and reports what is available. */
    double refill(RateLimitPolicy.Limit limit, long nowNanos) {
        long elapsed = nowNanos - stampNanos;
        if (elapsed > 0) {
            tokens = Math.min(limit.burst(), tokens + elapsed * limit.perNano());
            stampNanos = nowNanos;
        }
        return tokens;
    }

    void take() {
        tokens -= 1;
    }

    /** Milliseconds until one token is available, given the current level. */
    static long millisUntilOne(double tokens, RateLimitPolicy.Limit limit) {
        return (long) Math.ceil((1 - tokens) / limit.rate() * 1000);
    }
}
