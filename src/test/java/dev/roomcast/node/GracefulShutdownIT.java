package dev.roomcast.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.roomcast.testing.Pod;
import dev.roomcast.testing.Tokens;
import dev.roomcast.testing.WsClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * PROTOCOL.md section 2, shutdown, on a packaged pod that gets SIGTERM (drain window 3 s): readiness DOWN and
 * upgrades refused at once, every client told to reconnect with its own delay inside the window, served until then,
 * closed with 1001, and the process gone soon after the window.
 */
class GracefulShutdownIT {

    @Test
    void sigtermDrainsClientsOverTheWindowAndClosesThemWith1001() {
        Pod survivor = Pod.start("drain-survivor", Map.of());
        Pod stopping = Pod.start("drain-stopping", Map.of("roomcast.shutdown.drain", "3s"));
        List<WsClient> clients = new ArrayList<>();
        try (WsClient listener = WsClient.withBearer(survivor.base(), Tokens.user("listener"))) {
            listener.join("live:drain");
            for (int i = 0; i < 6; i++) {
                WsClient client = WsClient.withBearer(stopping.base(), Tokens.user("drained-" + i));
                client.join("live:drain");
                clients.add(client);
            }
            long signalled = System.nanoTime();
            stopping.terminate();
            await().atMost(Duration.ofSeconds(2))
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> stopping.readinessStatus() == 503);
            assertEquals(
                    503,
                    WsClient.refusedStatus(
                            stopping.base(), null, Map.of("Authorization", "Bearer " + Tokens.user("latecomer"))));

            Map<WsClient, Long> delays = new HashMap<>();
            for (WsClient client : clients) {
                long afterMs = client.awaitEvent("reconnect")
                        .path("data")
                        .path("afterMs")
                        .asLong();
                assertTrue(afterMs >= 0 && afterMs < 3000, "afterMs within the drain window: " + afterMs);
                delays.put(client, afterMs);
            }
            assertTrue(
                    new HashSet<>(delays.values()).size() > 1,
                    "reconnections spread over the window: " + delays.values());

            // Until its delay ends, a client is still served: the one told to wait longest publishes to the other pod.
            WsClient last = delays.entrySet().stream()
                    .max(Map.Entry.comparingByValue())
                    .orElseThrow()
                    .getKey();
            last.request("publish", Map.of("room", "live:drain", "event", "still.here"));
            JsonNode relayed = listener.awaitEvent("still.here");
            assertEquals(last.clientId(), relayed.path("from").path("clientId").asText());

            for (WsClient client : clients) {
                assertEquals(1001, client.awaitClose());
                long closedAfterMs = (client.closedAtNanos() - signalled) / 1_000_000;
                // The drain starts after the signal, so no close can come before its announced delay.
                assertTrue(
                        closedAfterMs >= delays.get(client),
                        "closed at " + closedAfterMs + " ms, announced " + delays.get(client));
            }
            assertTrue(stopping.awaitExit(Duration.ofSeconds(15)), "the pod exits after the drain");
        } finally {
            clients.forEach(WsClient::close);
            stopping.close();
            survivor.close();
        }
    }
}
