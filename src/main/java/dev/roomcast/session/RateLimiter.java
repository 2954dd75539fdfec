package dev.roomcast.session;

/**
 * One connection's buckets. A frame passes only if both the {@code all} bucket and its event's bucket hold a
 * token; otherwise neither is charged and the frame is not executed. Event buckets are created on first use:
 * most connections only ever send a few kinds of frames.
 */
final class RateLimiter {

    private final RateLimitPolicy policy;
    private final TokenBucket all;
    private TokenBucket[] perEvent;

    RateLimiter(RateLimitPolicy policy, long nowNanos) {
        this.policy = policy;
        this.all = new TokenBucket(policy.all().burst(), nowNanos);
    }

    /** @return 0 when the frame may run (its tokens are taken), else the milliseconds to wait before retrying */
    long tryAcquire(String event, long nowNanos) {
        double allTokens = all.refill(policy.all(), nowNanos);
        int index = event == null ? -1 : policy.indexOf(event);
        TokenBucket eventBucket = index < 0 ? null : bucket(index, nowNanos);
        double eventTokens = eventBucket == null ? Double.MAX_VALUE : eventBucket.refill(policy.limit(index), nowNanos);
        if (allTokens >= 1 && eventTokens >= 1) {
            all.take();
            if (eventBucket != null) {
                eventBucket.take();
            }
            return 0;
        }
        long wait = allTokens >= 1 ? 0 : TokenBucket.millisUntilOne(allTokens, policy.all());
        if (eventTokens < 1) {
            wait = Math.max(wait, TokenBucket.millisUntilOne(eventTokens, policy.limit(index)));
        }
        return Math.max(1, wait);
    }

    private TokenBucket bucket(int index, long nowNanos) {
        if (perEvent == null) {
            perEvent = new TokenBucket[policy.eventLimitCount()];
        }
        TokenBucket bucket = perEvent[index];
        if (bucket == null) {
            bucket = new TokenBucket(policy.limit(index).burst(), nowNanos);
            perEvent[index] = bucket;
        }
        return bucket;
    }
}
