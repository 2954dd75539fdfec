package dev.roomcast.transport;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.roomcast.testing.Pod;
import dev.roomcast.testing.Pods;
import dev.roomcast.testing.SealedFrames;
import dev.roomcast.testing.SseClient;
import dev.roomcast.testing.Tokens;
import dev.roomcast.testing.WsClient;
import io.restassured.http.ContentType;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * PROTOCOL.md section 11 across packaged pods on one Redis: a stream held by one pod, its POSTs taken by another and
 * run in order on the first (sealed ones too, section 10), the second pod's refusals (403, 404) for sessions it does not hold, and a draining pod
 * ending its streams with {@code reconnect} and a {@code close} frame (1001).
 */
class SseMultiPodIT {

    @RegisterExtension
    static final Pods PODS = Pods.of("sse-a", Pod.UNLIMITED_RATES).and("sse-b", Pod.UNLIMITED_RATES);

    @Test
    void postsTakenByAnotherPodRunInTheirOrderOnTheHoldingPod() {
        try (SseClient stream = SseClient.withBearer(PODS.first().base(), Tokens.user("sse-ann"));
                WsClient watcher = WsClient.withBearer(PODS.second().base(), Tokens.user("sse-ben"))) {
            stream.postingTo(PODS.second().base());
            assertEquals("ack", stream.join("live:sse-across").path("event").asText());
            watcher.join("live:sse-across");
            List<String> batch = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                String frame = i % 3 == 2
                        ? WsClient.frame("publish", "f" + i, Map.of("room", "live:sse-across", "event", "n", "data", i))
                        : WsClient.frame("ping", "f" + i, null);
                if (i % 4 == 0) {
                    stream.send(frame); // single frames and arrays interleaved
                } else {
                    batch.add(frame);
                    if (batch.size() == 3) {
                        stream.sendAll(batch);
                        batch.clear();
                    }
                }
            }
            if (!batch.isEmpty()) {
                stream.sendAll(batch);
            }
            for (int i = 0; i < 60; i++) {
                int n = i;
                JsonNode reply = stream.awaitFrame(frame -> frame.has("id"), "reply " + n);
                assertEquals("f" + i, reply.path("id").asText(), "replies in the order the POSTs were accepted");
                assertNotEquals("error", reply.path("event").asText(), reply.toString());
            }
            for (int i = 2; i < 60; i += 3) {
                JsonNode published = watcher.awaitEvent("n");
                assertEquals(i, published.path("data").asInt());
                assertEquals(
                        stream.clientId(),
                        published.path("from").path("clientId").asText());
            }
        }
    }

    /**
     * PROTOCOL.md section 10 across pods: the frames of an encrypted stream POSTed to the pod that does not hold it
     * travel sealed and are opened by the holding pod in counter order; a sealed socket on that other pod gets what
     * the stream publishes, and both get a room emit, each sealed for itself.
     */
    @Test
    void anEncryptedStreamsPostsTakenByAnotherPodOpenInCounterOrder() {
        SealedFrames watcherKeys = new SealedFrames();
        try (SseClient stream =
                        SseClient.encrypted(PODS.first().base(), Tokens.user("sse-sealed"), new SealedFrames());
                WsClient watcher = WsClient.open(
                        PODS.second().base(),
                        "access_token=" + Tokens.user("sse-sealed-watcher") + "&publicKey="
                                + watcherKeys.publicKeyUrlSafe(),
                        Map.of(),
                        watcherKeys)) {
            watcher.awaitEvent("connected");
            stream.postingTo(PODS.second().base());
            stream.join("live:sse-sealed");
            watcher.join("live:sse-sealed");
            for (int round = 0; round < 4; round++) {
                List<String> batch = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    int n = round * 5 + i;
                    batch.add(WsClient.frame(
                            "publish", "s" + n, Map.of("room", "live:sse-sealed", "event", "n", "data", n)));
                }
                stream.sendAll(batch);
            }
            for (int n = 0; n < 20; n++) {
                int expected = n;
                JsonNode reply = stream.awaitFrame(frame -> frame.has("id"), "reply " + expected);
                assertEquals("s" + n, reply.path("id").asText(), "replies in counter order");
                assertEquals("ack", reply.path("event").asText(), reply.toString());
                assertEquals(n, watcher.awaitEvent("n").path("data").asInt());
            }
            given().baseUri(PODS.first().base().toString())
                    .auth()
                    .oauth2(Tokens.admin("sse-ops"))
                    .contentType(ContentType.JSON)
                    .body(Map.of(
                            "type", "room", "target", "live:sse-sealed", "event", "emitted", "data", Map.of("n", 1)))
                    .post("/api/emit")
                    .then()
                    .statusCode(202);
            assertEquals(1, stream.awaitEvent("emitted").path("data").path("n").asInt());
            assertEquals(1, watcher.awaitEvent("emitted").path("data").path("n").asInt());
            for (JsonNode frame : stream.drain()) {
                assertNotEquals("<not sealed>", frame.path("event").asText(), frame.toString());
            }
            for (JsonNode frame : watcher.drain()) {
                assertNotEquals("<not sealed>", frame.path("event").asText(), frame.toString());
            }
        }
    }

    @Test
    void aPodThatDoesNotHoldTheSessionRefusesAnotherUserAndUnknownSessions() {
        String ping = WsClient.frame("ping", "x", null);
        String held;
        try (SseClient stream = SseClient.withBearer(PODS.first().base(), Tokens.user("sse-cat"))) {
            held = stream.clientId();
            String pod = held.substring(0, held.indexOf('.'));
            assertProblem(SseClient.post(PODS.second().base(), held, Tokens.user("sse-dan"), ping), 403);
            assertProblem(SseClient.post(PODS.second().base(), pod + ".zzzz", Tokens.user("sse-cat"), ping), 404);
            assertProblem(SseClient.post(PODS.second().base(), "qqqqqqqqqq.1", Tokens.user("sse-cat"), ping), 404);
            assertEquals(
                    202,
                    SseClient.post(PODS.second().base(), held, Tokens.user("sse-cat"), ping)
                            .statusCode());
            assertEquals("x", stream.awaitEvent("pong").path("id").asText());
        }
        await().atMost(Duration.ofSeconds(10))
                .until(() -> SseClient.post(PODS.second().base(), held, Tokens.user("sse-cat"), ping)
                                .statusCode()
                        == 404);
    }

    @Test
    void aDrainingPodSendsReconnectThenACloseFrameAndTakesNoNewStream() {
        try (Pod stopping = Pod.start("sse-stopping", Map.of("roomcast.shutdown.drain", "2s"));
                SseClient drained = SseClient.withBearer(stopping.base(), Tokens.user("sse-eve"))) {
            drained.join("live:sse-drain");
            stopping.terminate();
            await().atMost(Duration.ofSeconds(2))
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> stopping.readinessStatus() == 503);
            SseClient.Refusal refusal = SseClient.refused(
                    stopping.base(), Map.of("Authorization", "Bearer " + Tokens.user("sse-late")), "");
            assertEquals(503, refusal.status(), refusal.body());
            assertTrue(refusal.headers().firstValue("Retry-After").isPresent());

            long afterMs =
                    drained.awaitEvent("reconnect").path("data").path("afterMs").asLong();
            assertTrue(afterMs >= 0 && afterMs < 2000, "afterMs within the window: " + afterMs);
            assertEquals(1001, drained.awaitClose());
            assertEquals(
                    "server going away",
                    drained.closeFrame().path("data").path("reason").asText());
        }
    }

    private static void assertProblem(HttpResponse<String> answer, int status) {
        assertEquals(status, answer.statusCode(), answer.body());
        assertTrue(answer.body().contains("\"code\""), answer.body());
    }
}
