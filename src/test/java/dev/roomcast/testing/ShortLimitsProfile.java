package dev.roomcast.testing;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * Small limits so that tests reach them fast: auth timeout 1 s, heartbeat timeout 2 s, no JWT clock skew, frames of at
 * most 4096 bytes (under the JDK client's 64 KiB fragment size, so an oversized message is one oversized frame), and
 * two joins with next to no refill, so that a test can draw a RATE_LIMITED answer exactly when it wants one, and a
 * room history of 50 events (pruned every 100 offsets).
 */
public class ShortLimitsProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("roomcast.auth.timeout", "1s", "roomcast.heartbeat.timeout", "2s", "mp.jwt.verify.clock.skew", "0",
                "roomcast.max-frame-bytes", "4096", "roomcast.rate-limits.join.rate", "0.001",
                "roomcast.rate-limits.join.burst", "2", "roomcast.history.max-events", "50");
    }
}
