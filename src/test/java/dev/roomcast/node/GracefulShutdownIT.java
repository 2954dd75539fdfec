package dev.roomcast.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.roomcast.testing.Pod;
import dev.roomcast.testing.Tokens;
import dev.roomcast.testing.WsClient;

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
            await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(20))
                    .until(() -> stopping.readinessStatus() == 503);
            assertEquals(503, WsClient.refusedStatus(stopping.base(), null,
                    Map.of("Authorization", "Bearer " + Tokens.user("latecomer"))));

            Set<Long> delays = new HashSet<>();
            for (WsClient client : clients) {
                long afterMs = client.awaitEvent("reconnect").path("data").path("afterMs").asLong();
                assertTrue(afterMs >= 0 && afterMs < 3000, "afterMs within the drain window: " + afterMs);
                delays.add(afterMs);
            }
            assertTrue(delays.size() > 1, "reconnections spread over the window: " + delays);

            // Until its delay ends, a client is still served: its publish reaches the other pod.
            WsClient last = clients.get(0);
            last.request("publish", Map.of("room", "live:drain", "event", "still.here"));
            JsonNode relayed = listener.awaitEvent("still.here");
            assertEquals(last.clientId(), relayed.path("from").path("clientId").asText());

            for (WsClient client : clients) {
                assertEquals(1001, client.awaitClose());
            }
            assertTrue(stopping.awaitExit(Duration.ofSeconds(15)), "the pod exits after the drain");
            assertTrue((System.nanoTime() - signalled) / 1_000_000 >= 1000 || delays.stream().allMatch(d -> d < 1000),
                    "closes follow the announced delays");
        } finally {
            clients.forEach(WsClient::close);
            stopping.close();
            survivor.close();
        }
    }
}
