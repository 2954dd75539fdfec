package dev.roomcast.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.roomcast.testing.ServicesResource;
import dev.roomcast.testing.StalledClient;
import dev.roomcast.testing.Tokens;
import dev.roomcast.testing.WsClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A connection's frames run one at a time; at most 100 wait behind the one in progress, and a frame beyond is
 * answered RATE_LIMITED at once, not run: a client cannot queue unbounded work behind a slow frame.
 */
@QuarkusTest
@WithTestResource(ServicesResource.class)
class WaitingFramesTests {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TestHTTPResource("/")
    URI base;

    @Test
    void framesBeyondAHundredWaitingAreRefusedAtOnceAndTheOthersRunInOrder() throws Exception {
        try (StalledClient client = StalledClient.connect(base, Tokens.user("flooder"))) {
            // A join waits for Redis (the pod subscribes to a new room's channel): the pings read with it wait too.
            List<String> frames = new ArrayList<>();
            frames.add(WsClient.frame("join", "j", Map.of("rooms", List.of("live:flood-" + UUID.randomUUID()))));
            for (int i = 0; i < 150; i++) {
                frames.add(WsClient.frame("ping", "p" + i, null));
            }
            client.sendAll(frames);
            List<String> ids = new ArrayList<>();
            List<String> refusedBeforeTheJoin = new ArrayList<>();
            boolean joined = false;
            for (String text : client.readUntil(text -> text.contains("\"p99\""), Duration.ofSeconds(20))
                    .texts()) {
                JsonNode frame = JSON.readTree(text);
                String id = frame.path("id").asText(null);
                if (id == null) {
                    continue; // connected
                }
                ids.add(id);
                if ("j".equals(id)) {
                    assertEquals("ack", frame.path("event").asText(), text);
                    joined = true;
                } else if (!joined) {
                    assertEquals("RATE_LIMITED", frame.path("data").path("code").asText(), text);
                    assertTrue(frame.path("data").path("retryAfterMs").asLong() > 0, text);
                    refusedBeforeTheJoin.add(id);
                }
            }
            List<String> beyond = new ArrayList<>();
            for (int i = 100; i < 150; i++) {
                beyond.add("p" + i);
            }
            assertEquals(beyond, refusedBeforeTheJoin, "the 50 frames beyond the 100 waiting, refused at once");
            List<String> waited = ids.subList(ids.indexOf("j") + 1, ids.size());
            for (int i = 0; i < 100; i++) {
                assertEquals("p" + i, waited.get(i), "the waiting frames run in order after the join");
            }
        }
    }
}
