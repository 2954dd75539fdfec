package dev.roomcast.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.roomcast.RoomcastConfig;
import org.junit.jupiter.api.Test;

/** {@link TokenBucket}: lazy refill over explicit times, the burst cap, debt from costly takes, and the wait it reports. */
class TokenBucketTest {

    private static final long SECOND = 1_000_000_000L;
    private static final long MILLI = 1_000_000L;
    /** An arbitrary start: nanoTime values are not anchored at zero. */
    private static final long T0 = 7 * SECOND;

    private static final double EPSILON = 1e-9;

    private final RateLimitPolicy.Limit tenPerSecond = limit(10, 20);

    @Test
    void startsFullAtTheBurst() {
        TokenBucket bucket = new TokenBucket(20, T0);

        assertEquals(20, bucket.refill(tenPerSecond, T0), EPSILON);
    }

    @Test
    void refillAddsTheRateTimesTheElapsedTime() {
        TokenBucket bucket = new TokenBucket(20, T0);
        bucket.take(15);

        assertEquals(5, bucket.refill(tenPerSecond, T0), EPSILON);
        assertEquals(10, bucket.refill(tenPerSecond, T0 + 500 * MILLI), EPSILON);
        assertEquals(11, bucket.refill(tenPerSecond, T0 + 600 * MILLI), EPSILON);
    }

    @Test
    void refillingTwiceAtTheSameTimeEarnsNothingTheSecondTime() {
        TokenBucket bucket = new TokenBucket(20, T0);
        bucket.take(20);

        assertEquals(1, bucket.refill(tenPerSecond, T0 + 100 * MILLI), EPSILON);
        assertEquals(1, bucket.refill(tenPerSecond, T0 + 100 * MILLI), EPSILON);
    }

    @Test
    void refillNeverExceedsTheBurst() {
        TokenBucket bucket = new TokenBucket(20, T0);
        bucket.take(1);

        assertEquals(20, bucket.refill(tenPerSecond, T0 + 3600 * SECOND), EPSILON);
    }

    @Test
    void aClockGoingBackwardsAddsNothingAndKeepsTheLastStamp() {
        TokenBucket bucket = new TokenBucket(20, T0);
        bucket.take(10);

        assertEquals(10, bucket.refill(tenPerSecond, T0 - SECOND), EPSILON);
        // Earned from T0, not from the earlier reading: 100 ms at 10/s is one token.
        assertEquals(11, bucket.refill(tenPerSecond, T0 + 100 * MILLI), EPSILON);
    }

    @Test
    void aTakeCostingMoreThanOneLowersTheLevelByItsCost() {
        TokenBucket bucket = new TokenBucket(20, T0);
        bucket.take(3);
        bucket.take(2.5);

        assertEquals(14.5, bucket.refill(tenPerSecond, T0), EPSILON);
    }

    @Test
    void aTakeBeyondTheLevelLeavesADebtThatRefillPaysBackFirst() {
        TokenBucket bucket = new TokenBucket(20, T0);
        bucket.take(25);

        assertEquals(-5, bucket.refill(tenPerSecond, T0), EPSILON);
        assertEquals(0, bucket.refill(tenPerSecond, T0 + 500 * MILLI), EPSILON);
        assertEquals(1, bucket.refill(tenPerSecond, T0 + 600 * MILLI), EPSILON);
    }

    @Test
    void millisUntilIsTheTimeToEarnTheMissingTokens() {
        assertEquals(600, TokenBucket.millisUntil(1, -5, tenPerSecond));
        assertEquals(100, TokenBucket.millisUntil(1, 0, tenPerSecond));
    }

    @Test
    void millisUntilRoundsAFractionOfAMillisecondUp() {
        // 0.5 tokens at 3/s: 166.67 ms.
        assertEquals(167, TokenBucket.millisUntil(1, 0.5, limit(3, 5)));
    }

    @Test
    void millisUntilIsNotPositiveWhenEnoughTokensAreThere() {
        assertTrue(TokenBucket.millisUntil(1, 1, tenPerSecond) <= 0);
        assertTrue(TokenBucket.millisUntil(1, 5, tenPerSecond) <= 0);
    }

    @Test
    void waitingTheReportedTimeIsEnoughAndAMillisecondLessIsNot() {
        RateLimitPolicy.Limit sevenPerSecond = limit(7, 10);
        TokenBucket bucket = new TokenBucket(10, T0);
        bucket.take(12.3);
        double level = bucket.refill(sevenPerSecond, T0);

        long wait = TokenBucket.millisUntil(3, level, sevenPerSecond);

        assertEquals(758, wait);
        TokenBucket early = new TokenBucket(10, T0);
        early.take(12.3);
        assertTrue(early.refill(sevenPerSecond, T0 + (wait - 1) * MILLI) < 3);
        assertTrue(bucket.refill(sevenPerSecond, T0 + wait * MILLI) >= 3);
    }

    @Test
    void aLimitIsConfiguredPerSecondAndRefilledPerNanosecond() {
        RateLimitPolicy.Limit limit = limit(50, 100);

        assertEquals(50, limit.rate(), EPSILON);
        assertEquals(100, limit.burst(), EPSILON);
        assertEquals(50e-9, limit.perNano(), 1e-18);
    }

    @Test
    void aLimitWithoutAPositiveRateOrABurstOfOneIsRefused() {
        assertThrows(IllegalStateException.class, () -> limit(0, 10));
        assertThrows(IllegalStateException.class, () -> limit(-1, 10));
        assertThrows(IllegalStateException.class, () -> limit(10, 0));
    }

    private static RateLimitPolicy.Limit limit(double rate, int burst) {
        return RateLimitPolicy.Limit.of(new RoomcastConfig.RateLimit() {
            @Override
            public double rate() {
                return rate;
            }

            @Override
            public int burst() {
                return burst;
            }
        });
    }
}
