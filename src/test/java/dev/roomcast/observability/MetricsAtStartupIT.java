package dev.roomcast.observability;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.roomcast.testing.Metrics;
import dev.roomcast.testing.Pod;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every metric of the protocol (docs/operations.md) is present from startup, with its known tag values, before any connection or
 * Redis message (a fresh packaged pod, nothing connected).
 */
class MetricsAtStartupIT {

    @Test
    void everyMetricIsThereBeforeAnyTraffic() {
        try (Pod pod = Pod.start("metrics-at-startup", Map.of())) {
            String metrics = Metrics.text(pod.management());
            for (String series : List.of(
                    "roomcast_connections",
                    "roomcast_frames_received_total{event=\"join\"",
                    "roomcast_frames_received_total{event=\"other\"",
                    "roomcast_frames_sent_total",
                    "roomcast_deliveries_total{type=\"room\"",
                    "roomcast_deliveries_total{type=\"user\"",
                    "roomcast_deliveries_total{type=\"client\"",
                    "roomcast_deliveries_total{type=\"broadcast\"",
                    "roomcast_delivery_latency_seconds_bucket{le=\"0.001\"",
                    "roomcast_delivery_latency_seconds_bucket{le=\"+Inf\"",
                    "roomcast_delivery_latency_seconds_count",
                    "roomcast_closes_total{code=\"1000\"",
                    "roomcast_closes_total{code=\"1002\"",
                    "roomcast_closes_total{code=\"1006\"",
                    "roomcast_closes_total{code=\"4004\"",
                    "roomcast_closes_total{code=\"4006\"",
                    "roomcast_closes_total{code=\"4008\"",
                    "roomcast_rate_limited_total{event=\"message.send\"",
                    "roomcast_dropped_total{reason=\"slow_consumer\"",
                    "roomcast_redis_messages_total{direction=\"in\"",
                    "roomcast_redis_messages_total{direction=\"out\"")) {
                List<Double> values = Metrics.samples(metrics, series);
                assertFalse(values.isEmpty(), "missing at startup: " + series);
                assertTrue(
                        values.stream().allMatch(value -> value == 0), "not zero at startup: " + series + " " + values);
            }
            // Read from the database before the pod serves: whatever is in force, never absent.
            assertFalse(Metrics.samples(metrics, "roomcast_revocations").isEmpty(), "missing: roomcast_revocations");
        }
    }
}
