package dev.roomcast.session;

/**
 * One connection's buckets. A frame passes only if both the {@code all} bucket and its event's bucket hold what it
 * costs; otherwise neither is charged and the frame is not executed. A frame costs one token of {@code all} and
 * {@code cost} of its event's bucket (a {@code join} costs one per room it names): it passes once the bucket holds the
 * cost, or a full burst for a frame that costs more than a burst, and may leave the bucket in debt, paid back by the
 * refill before the next one passes. Event buckets are created on first use: most connections only ever send a few
 * kinds of frames.
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
    long tryAcquire(String event, int cost, long nowNanos) {
        double allTokens = all.refill(policy.all(), nowNanos);
        int index = event == null ? -1 : policy.indexOf(event);
        TokenBucket eventBucket = index < 0 ? null : bucket(index, nowNanos);
        RateLimitPolicy.Limit eventLimit = index < 0 ? null : policy.limit(index);
        double eventTokens = eventBucket == null ? Double.MAX_VALUE : eventBucket.refill(eventLimit, nowNanos);
        double eventNeed = eventLimit == null ? 0 : Math.min(cost, eventLimit.burst());
        if (allTokens >= 1 && eventTokens >= eventNeed) {
            all.take(1);
            if (eventBucket != null) {
                eventBucket.take(cost);
            }
            return 0;
        }
        long wait = allTokens >= 1 ? 0 : TokenBucket.millisUntil(1, allTokens, policy.all());
        if (eventTokens < eventNeed) {
            wait = Math.max(wait, TokenBucket.millisUntil(eventNeed, eventTokens, eventLimit));
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
