package dev.roomcast.testing;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/**
 * Small limits so that tests reach them fast: auth timeout 1 s, heartbeat timeout 2 s, no JWT clock skew, frames of at
 * most 4096 bytes (under the JDK client's 64 KiB fragment size, so an oversized message is one oversized frame), and
 * two joins with next to no refill, so that a test can draw a RATE_LIMITED answer exactly when it wants one, a room
 * history of 50 events (pruned every 100 offsets), and recoveries of at most 20 events. HTTP writes are not limited:
 * filling a history of that size takes a hundred messages.
 */
public class ShortLimitsProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.ofEntries(
                Map.entry("roomcast.auth.timeout", "1s"),
                Map.entry("roomcast.heartbeat.timeout", "2s"),
                Map.entry("mp.jwt.verify.clock.skew", "0"),
                Map.entry("roomcast.max-frame-bytes", "4096"),
                Map.entry("roomcast.rate-limits.join.rate", "0.001"),
                Map.entry("roomcast.rate-limits.join.burst", "2"),
                Map.entry("roomcast.history.max-events", "50"),
                Map.entry("roomcast.history.max-replay", "20"),
                Map.entry("roomcast.rest-rate-limits.writes.rate", "100000"),
                Map.entry("roomcast.rest-rate-limits.writes.burst", "100000"));
    }
}
