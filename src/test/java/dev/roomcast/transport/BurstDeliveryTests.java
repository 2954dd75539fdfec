package dev.roomcast.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.roomcast.testing.ServicesResource;
import dev.roomcast.testing.StalledClient;
import dev.roomcast.testing.Tokens;
import dev.roomcast.testing.WsClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A burst the event loop reads in one go: the frames of a sender's single write are handled back to back, so the loop
 * finds itself behind and its writes to each reader wait for the iteration's end ({@link IterationFlushes}). Every
 * reader still gets every event, whole and in order, with nothing dropped for it.
 */
@QuarkusTest
@WithTestResource(ServicesResource.class)
class BurstDeliveryTests {

    /** Under the per-connection frame bucket's burst (100) and the inbox's limit (100 waiting), with the join. */
    private static final int BURST = 80;

    @TestHTTPResource("/")
    URI base;

    @Test
    void aBurstReadInOneGoReachesEveryReaderWholeAndInOrder() {
        String room = "live:burst-" + System.nanoTime();
        List<WsClient> readers = new ArrayList<>();
        try (StalledClient sender = StalledClient.connect(base, Tokens.user("burst-sender"))) {
            for (int r = 0; r < 3; r++) {
                WsClient reader = WsClient.withBearer(base, Tokens.user("burst-reader-" + r));
                readers.add(reader);
                reader.join(room);
            }
            sender.send(WsClient.frame("join", "j", Map.of("rooms", List.of(room))));
            readers.get(0)
                    .awaitFrame(
                            frame -> "presence.join".equals(frame.path("event").asText())
                                    && "burst-sender"
                                            .equals(frame.path("data")
                                                    .path("userId")
                                                    .asText()),
                            "the sender in the room");
            // Payloads of ~300 bytes: many fit under the size a socket flushes at once, so the end of the loop's
            // iteration flushes several of them together.
            String text = "b".repeat(300);
            List<String> frames = new ArrayList<>();
            for (int n = 0; n < BURST; n++) {
                frames.add(WsClient.frame(
                        "publish", "p" + n, Map.of("room", room, "event", "burst", "data", Map.of("n", n, "t", text))));
            }
            sender.sendAll(frames);
            for (WsClient reader : readers) {
                for (int n = 0; n < BURST; n++) {
                    assertEquals(
                            n, reader.awaitEvent("burst").path("data").path("n").asInt(), "in order, none lost");
                }
            }
        } finally {
            readers.forEach(WsClient::close);
        }
    }
}
