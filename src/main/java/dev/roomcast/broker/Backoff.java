package dev.roomcast.broker;

import java.time.Duration;

/**
 * Pauses between attempts to reach Redis: {@code roomcast.redis.reconnect-min} at first, doubling up to
 * {@code roomcast.redis.reconnect-max}, back to the start after a success. Owned by one loop.
 */
final class Backoff {

    private final long minMillis;
    private final long maxMillis;
    private long current;

    Backoff(Duration min, Duration max) {
        this.minMillis = min.toMillis();
        this.maxMillis = Math.max(minMillis, max.toMillis());
    }

    /** The pause before the next attempt. */
    long next() {
        current = current == 0 ? minMillis : Math.min(maxMillis, current * 2);
        return current;
    }

    /** Whether an outage is already under way (its first failure was announced). */
    boolean retrying() {
        return current != 0;
    }

    void reset() {
        current = 0;
    }
}
