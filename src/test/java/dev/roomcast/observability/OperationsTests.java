package dev.roomcast.observability;

import static io.restassured.RestAssured.get;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.roomcast.testing.Management;
import dev.roomcast.testing.Metrics;
import dev.roomcast.testing.ServicesResource;
import dev.roomcast.testing.StalledClient;
import dev.roomcast.testing.Tokens;
import dev.roomcast.testing.WsClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** PROTOCOL.md section 9: health endpoints and every metric, with its pre-registered tags. */
@QuarkusTest
@WithTestResource(ServicesResource.class)
class OperationsTests {

    @TestHTTPResource("/")
    URI base;

    @Test
    void livenessAndReadinessAreUpWithPostgresAndRedisChecked() {
        Management.given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        Management.given()
                .get("/q/health/ready")
                .then()
                .statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItems("redis", "Reactive PostgreSQL connections health check"));
    }

    @Test
    void healthAndMetricsAreServedOnTheManagementPortOnly() {
        for (String path : List.of("/q/health", "/q/health/live", "/q/health/ready", "/q/metrics")) {
            assertEquals(404, get(path).statusCode(), "the public port serves no " + path);
            assertEquals(200, Management.given().get(path).statusCode(), path + " on the management port");
        }
        assertEquals(200, get("/q/openapi").statusCode(), "the API description stays public");
    }

    @Test
    void closesByProtocolErrorAndLostConnectionsAreCountedUnderTheirCodes() {
        double protocolErrors = Metrics.value("roomcast_closes_total{code=\"1002\"}");
        double lost = Metrics.value("roomcast_closes_total{code=\"1006\"}");
        try (StalledClient failing = StalledClient.connect(base, Tokens.user("metrics-protocol-error"))) {
            failing.sendClose(1002); // a client that found the server's frames broken
            failing.readAll(Duration.ofSeconds(10));
        }
        await().atMost(Duration.ofSeconds(10))
                .until(() -> Metrics.value("roomcast_closes_total{code=\"1002\"}") > protocolErrors);
        StalledClient vanishing = StalledClient.connect(base, Tokens.user("metrics-vanishing"));
        vanishing.close(); // TCP gone, no close frame
        await().atMost(Duration.ofSeconds(10))
                .until(() -> Metrics.value("roomcast_closes_total{code=\"1006\"}") > lost);
        // A frame the codec cannot read ends the socket without a close handshake: that too is a lost connection.
        try (StalledClient corrupt = StalledClient.connect(base, Tokens.user("metrics-corrupt"))) {
            corrupt.sendRaw(new byte[] {(byte) 0x83, (byte) 0x80, 1, 2, 3, 4}); // opcode 3 is reserved
            corrupt.readAll(Duration.ofSeconds(10));
        }
        await().atMost(Duration.ofSeconds(10))
                .until(() -> Metrics.value("roomcast_closes_total{code=\"1006\"}") > lost + 1);
    }

    @Test
    void everyMetricIsExposedWithItsKnownTagsAfterTraffic() {
        try (WsClient a = WsClient.withBearer(base, Tokens.user("metrics-a"));
                WsClient b = WsClient.withBearer(base, Tokens.user("metrics-b"))) {
            a.join("live:metrics");
            b.join("live:metrics");
            a.request("publish", Map.of("room", "live:metrics", "event", "tick"));
            b.awaitEvent("tick");
            b.send("garbage");
            b.next();
        }
        String metrics = Metrics.text();
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
                "roomcast_closes_total{code=\"1002\"",
                "roomcast_closes_total{code=\"1006\"",
                "roomcast_closes_total{code=\"4008\"",
                "roomcast_rate_limited_total{event=\"join\"",
                "roomcast_dropped_total{reason=\"slow_consumer\"",
                "roomcast_dropped_total{reason=\"rate_limited\"",
                "roomcast_redis_messages_total{direction=\"in\"",
                "roomcast_redis_messages_total{direction=\"out\"")) {
            assertTrue(metrics.contains(line), "missing " + line);
        }
        assertTrue(
                metrics.matches("(?s).*roomcast_deliveries_total\\{type=\"room\"[^}]*} [1-9].*"),
                "room deliveries counted");
        assertTrue(
                metrics.matches("(?s).*roomcast_redis_messages_total\\{direction=\"out\"[^}]*} [1-9].*"),
                "publishes counted");
    }
}
