package dev.roomcast.transport;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.roomcast.testing.ChatFixtures;
import dev.roomcast.testing.Metrics;
import dev.roomcast.testing.ServicesResource;
import dev.roomcast.testing.SseClient;
import dev.roomcast.testing.Tokens;
import dev.roomcast.testing.WsClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * PROTOCOL.md section 11 on one pod: the stream ({@code GET /sse}) and the command endpoint ({@code POST /sse/{id}}),
 * what each refuses and how, and what a bare {@code EventSource} receives with nothing but its token.
 */
@QuarkusTest
@WithTestResource(ServicesResource.class)
class SseTests {

    @TestHTTPResource("/")
    URI base;

    @Test
    void theStreamIsAnEventStreamWhoseFirstFrameIsConnected() {
        try (SseClient client = SseClient.withQueryToken(base, Tokens.user("sse-alice"))) {
            HttpResponse<?> response = client.response();
            assertEquals(200, response.statusCode());
            assertEquals(
                    "text/event-stream",
                    response.headers().firstValue("Content-Type").orElse(""));
            assertEquals(
                    "no-store", response.headers().firstValue("Cache-Control").orElse(""));
            assertEquals(
                    "no", response.headers().firstValue("X-Accel-Buffering").orElse(""));
            JsonNode connected = client.connectedFrame();
            assertEquals("sse-alice", connected.path("data").path("userId").asText());
            assertFalse(client.clientId().isEmpty());
            assertTrue(connected.path("data").path("heartbeatMs").asLong() > 0);
        }
    }

    @Test
    void aStreamWithoutAValidTokenIsRefusedWith401BeforeAnyStream() {
        for (SseClient.Refusal refusal : List.of(
                SseClient.refused(base, Map.of(), ""),
                SseClient.refused(base, Map.of(), "?access_token=not.a.jwt"),
                SseClient.refused(
                        base,
                        Map.of(
                                "Authorization",
                                "Bearer " + Tokens.signedWith(Tokens.DEV_PRIVATE_KEY, "someone-else", "sse-mallory")),
                        ""))) {
            assertEquals(401, refusal.status(), refusal.body());
            assertTrue(refusal.body().contains("\"AUTH_REQUIRED\""), refusal.body());
            assertFalse(refusal.headers().firstValue("Content-Type").orElse("").contains("event-stream"));
        }
    }

    @Test
    void framesPostedAreExecutedInOrderAndAnsweredOnTheStream() {
        try (SseClient client = SseClient.withBearer(base, Tokens.user("sse-bob"))) {
            JsonNode joined = client.join("live:sse-order");
            assertEquals("ack", joined.path("event").asText());
            List<String> batch = new ArrayList<>();
            for (int i = 1; i <= 20; i++) {
                batch.add(WsClient.frame("ping", "p" + i, null));
            }
            client.sendAll(batch);
            for (int i = 1; i <= 20; i++) {
                JsonNode pong = client.awaitEvent("pong");
                assertEquals("p" + i, pong.path("id").asText(), "replies in POST order");
            }
            JsonNode unknown = client.request("no.such.event", Map.of());
            assertEquals("UNKNOWN_EVENT", unknown.path("data").path("code").asText());
        }
    }

    @Test
    void anSseSessionIsAClientLikeAnyOtherInRooms() {
        try (SseClient sse = SseClient.withBearer(base, Tokens.user("sse-carol"));
                WsClient ws = WsClient.withBearer(base, Tokens.user("sse-dave"))) {
            sse.join("live:sse-mixed");
            ws.join("live:sse-mixed");
            ws.request("publish", Map.of("room", "live:sse-mixed", "event", "note", "data", Map.of("n", 1)));
            JsonNode atSse = sse.awaitEvent("note");
            assertEquals("sse-dave", atSse.path("from").path("userId").asText());
            sse.request("publish", Map.of("room", "live:sse-mixed", "event", "note", "data", Map.of("n", 2)));
            JsonNode atWs = ws.awaitEvent("note");
            assertEquals(sse.clientId(), atWs.path("from").path("clientId").asText());
        }
    }

    /** Streams of one loop share each delivery's encoded event: every stream still gets every event, whole, in order. */
    @Test
    void everyStreamOfARoomGetsEveryDeliveryWholeAndInOrder() {
        List<SseClient> streams = new ArrayList<>();
        try (WsClient sender = WsClient.withBearer(base, Tokens.user("sse-sender"))) {
            for (int i = 0; i < 6; i++) {
                SseClient stream = SseClient.withBearer(base, Tokens.user("sse-fan-" + i));
                streams.add(stream);
                stream.join("live:sse-fan");
            }
            sender.join("live:sse-fan");
            for (int n = 1; n <= 40; n++) {
                sender.send(WsClient.frame(
                        "publish", null, Map.of("room", "live:sse-fan", "event", "tick", "data", Map.of("n", n))));
                if (n % 10 == 0) {
                    sender.request("ping", null); // keeps the sender within its rate limits
                }
            }
            for (SseClient stream : streams) {
                for (int n = 1; n <= 40; n++) {
                    JsonNode tick = stream.awaitEvent("tick");
                    assertEquals(n, tick.path("data").path("n").asInt());
                    assertEquals("live:sse-fan", tick.path("room").asText());
                    assertEquals(
                            sender.clientId(),
                            tick.path("from").path("clientId").asText());
                }
            }
        } finally {
            streams.forEach(SseClient::close);
        }
    }

    @Test
    void refusalsOfThePostItself() {
        try (SseClient client = SseClient.withBearer(base, Tokens.user("sse-erin"))) {
            String id = client.clientId();
            String ping = WsClient.frame("ping", "x", null);
            assertProblem(SseClient.post(base, id, null, ping), 401, "AUTH_REQUIRED");
            assertProblem(SseClient.post(base, id, "not.a.jwt", ping), 401, "AUTH_REQUIRED");
            assertProblem(SseClient.post(base, id, Tokens.user("sse-frank"), ping), 403, "FORBIDDEN");
            String unknown = id.substring(0, id.indexOf('.')) + ".zzzzzz";
            assertProblem(SseClient.post(base, unknown, Tokens.user("sse-erin"), ping), 404, "NOT_FOUND");
            assertProblem(SseClient.post(base, "nonsense", Tokens.user("sse-erin"), ping), 404, "NOT_FOUND");
            String token = Tokens.user("sse-erin");
            for (String body : List.of(
                    "", "not json", "42", "\"ping\"", "[]", "[1]", "{\"event\":\"ping\"} trailing", "[{}", tooMany())) {
                assertProblem(SseClient.post(base, id, token, body), 400, "BAD_REQUEST");
            }
            String huge = WsClient.frame("ping", "h", Map.of("pad", "x".repeat(70_000)));
            assertProblem(SseClient.post(base, id, token, huge), 400, "BAD_REQUEST");
            // None of it reached the session, which still answers.
            assertEquals("pong", client.request("ping", null).path("event").asText());
            assertTrue(client.drain().isEmpty());
        }
    }

    @Test
    void aClosedStreamIsGoneForItsPosts() {
        String id;
        double connections = Metrics.value("roomcast_connections");
        try (SseClient client = SseClient.withBearer(base, Tokens.user("sse-gina"))) {
            id = client.clientId();
            assertEquals(connections + 1, Metrics.value("roomcast_connections"));
        }
        Awaitility.await().until(() -> Metrics.value("roomcast_connections") == connections);
        assertProblem(
                SseClient.post(base, id, Tokens.user("sse-gina"), WsClient.frame("ping", "x", null)), 404, "NOT_FOUND");
    }

    @Test
    void aBareEventSourceReceivesTheUsersNotificationsWithNothingButItsToken() {
        String room = ChatFixtures.room(base, "sse-owner", "sse-notes", "sse-henry");
        try (SseClient henry = SseClient.withQueryToken(base, Tokens.user("sse-henry"))) {
            given().auth()
                    .oauth2(Tokens.user("sse-owner"))
                    .contentType("application/json")
                    .body(Map.of("text", "hi @sse-henry", "clientMsgId", "n1"))
                    .post("/api/rooms/" + room + "/messages")
                    .then()
                    .statusCode(201);
            JsonNode mention = henry.awaitEvent("notification");
            assertEquals(room, mention.path("data").path("room").asText(), mention.toString());
            given().auth()
                    .oauth2(Tokens.admin("sse-service"))
                    .contentType("application/json")
                    .body(Map.of("type", "user", "target", "sse-henry", "event", "job.done", "data", Map.of("id", 7)))
                    .post("/api/emit")
                    .then()
                    .statusCode(202);
            assertEquals(7, henry.awaitEvent("job.done").path("data").path("id").asInt());
            given().auth()
                    .oauth2(Tokens.admin("sse-service"))
                    .contentType("application/json")
                    .body(Map.of("type", "client", "target", henry.clientId(), "event", "only.you"))
                    .post("/api/emit")
                    .then()
                    .statusCode(202);
            henry.awaitEvent("only.you");
        }
    }

    private static String tooMany() {
        List<String> frames = new ArrayList<>();
        for (int i = 0; i < 21; i++) {
            frames.add(WsClient.frame("ping", "t" + i, null));
        }
        return "[" + String.join(",", frames) + "]";
    }

    private static void assertProblem(HttpResponse<String> answer, int status, String code) {
        assertEquals(status, answer.statusCode(), answer.body());
        assertTrue(answer.body().contains("\"code\":\"" + code + "\""), answer.body());
        assertNotEquals("", answer.headers().firstValue("Content-Type").orElse(""));
    }
}
