package dev.roomcast.observability;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.roomcast.testing.Metrics;
import dev.roomcast.testing.Pod;

/**
 * PROTOCOL.md section 9: every metric is present from startup, with its known tag values, before any connection or
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
                    "roomcast_closes_total{code=\"4008\"",
                    "roomcast_rate_limited_total{event=\"message.send\"",
                    "roomcast_dropped_total{reason=\"slow_consumer\"",
                    "roomcast_redis_messages_total{direction=\"in\"",
                    "roomcast_redis_messages_total{direction=\"out\"")) {
                assertTrue(hasZeroSample(metrics, series), "missing at startup, or not zero: " + series);
            }
        }
    }

    /** A sample line for the series with value 0 (the text format may end labels with a comma: {@code {a="b",}}). */
    private static boolean hasZeroSample(String metrics, String series) {
        String pattern = series.contains("{") ? java.util.regex.Pattern.quote(series) + "[^}]*\\} 0\\.0"
                : java.util.regex.Pattern.quote(series) + "(\\{[^}]*\\})? 0\\.0";
        return java.util.regex.Pattern.compile("(?m)^" + pattern + "$").matcher(metrics).find();
    }
}
