package dev.roomcast.observability;

import static io.restassured.RestAssured.get;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.roomcast.testing.ServicesResource;
import dev.roomcast.testing.Tokens;
import dev.roomcast.testing.WsClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/** PROTOCOL.md section 9: health endpoints and every metric, with its pre-registered tags. */
@QuarkusTest
@WithTestResource(ServicesResource.class)
class OperationsTests {

    @TestHTTPResource("/")
    URI base;

    @Test
    void livenessAndReadinessAreUpWithPostgresAndRedisChecked() {
        get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"))
                .body("checks.name", hasItems("redis", "Reactive PostgreSQL connections health check"));
    }

    @Test
    void everyMetricIsExposedWithItsKnownTagsAfterTraffic() {
        try (WsClient a = WsClient.withBearer(base, Tokens.user("metrics-a")); WsClient b = WsClient.withBearer(base, Tokens.user("metrics-b"))) {
            a.join("live:metrics");
            b.join("live:metrics");
            a.request("publish", Map.of("room", "live:metrics", "event", "tick"));
            b.awaitEvent("tick");
            b.send("garbage");
            b.next();
        }
        String metrics = get("/q/metrics").asString();
        for (String line : List.of(
                "roomcast_connections ",
                "roomcast_frames_received_total{event=\"publish\"",
                "roomcast_frames_received_total{event=\"other\"",
                "roomcast_frames_received_total{event=\"message.send\"",
                "roomcast_frames_sent_total ",
                "roomcast_deliveries_total{type=\"room\"",
                "roomcast_deliveries_total{type=\"user\"",
                "roomcast_deliveries_total{type=\"client\"",
                "roomcast_deliveries_total{type=\"broadcast\"",
                "roomcast_delivery_latency_seconds_bucket{le=",
                "roomcast_delivery_latency_seconds_count ",
                "roomcast_delivery_latency_seconds_sum ",
                "roomcast_closes_total{code=\"1000\"",
                "roomcast_closes_total{code=\"1001\"",
                "roomcast_closes_total{code=\"4008\"",
                "roomcast_rate_limited_total{event=\"join\"",
                "roomcast_dropped_total{reason=\"slow_consumer\"",
                "roomcast_dropped_total{reason=\"rate_limited\"",
                "roomcast_redis_messages_total{direction=\"in\"",
                "roomcast_redis_messages_total{direction=\"out\"")) {
            assertTrue(metrics.contains(line), "missing " + line);
        }
        assertTrue(metrics.matches("(?s).*roomcast_deliveries_total\\{type=\"room\"[^}]*} [1-9].*"), "room deliveries counted");
        assertTrue(metrics.matches("(?s).*roomcast_redis_messages_total\\{direction=\"out\"[^}]*} [1-9].*"), "publishes counted");
    }
}
