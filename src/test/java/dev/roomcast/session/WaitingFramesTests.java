package dev.roomcast.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.roomcast.testing.ChatFixtures;
import dev.roomcast.testing.ServicesResource;
import dev.roomcast.testing.SseClient;
import dev.roomcast.testing.StalledClient;
import dev.roomcast.testing.Tokens;
import dev.roomcast.testing.WsClient;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A connection's frames run one at a time; at most 100 wait behind the one in progress, and a frame beyond is
 * answered RATE_LIMITED at once, not run: a client cannot queue unbounded work behind a slow frame. The slow frame
 * here is a message send whose transaction waits for the room's row, which the test holds locked.
 */
@QuarkusTest
@WithTestResource(ServicesResource.class)
class WaitingFramesTests {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TestHTTPResource("/")
    URI base;

    @Inject
    AgroalDataSource database;

    @Test
    void framesBeyondAHundredWaitingAreRefusedAtOnceAndTheOthersRunInOrder() throws Exception {
        String room = ChatFixtures.room(base, "flooder", "flood");
        try (StalledClient client = StalledClient.connect(base, Tokens.user("flooder"))) {
            client.readUntil(text -> text.contains("\"connected\""), Duration.ofSeconds(10));
            client.sendAll(List.of(WsClient.frame("join", "j", Map.of("rooms", List.of(room)))));
            client.readUntil(text -> text.contains("\"id\":\"j\""), Duration.ofSeconds(10));

            List<String> frames = new ArrayList<>();
            frames.add(WsClient.frame("message.send", "s", Map.of("room", room, "text", "hi", "clientMsgId", "c1")));
            for (int i = 0; i < 150; i++) {
                frames.add(WsClient.frame("ping", "p" + i, null));
            }
            List<String> refused = new ArrayList<>();
            try (Connection lock = lockedRoomRow(room)) {
                client.sendAll(frames);
                // While the send waits for the row, only the frames beyond the 100 waiting are answered.
                for (String text : client.readUntil(text -> text.contains("\"p149\""), Duration.ofSeconds(20))
                        .texts()) {
                    JsonNode frame = JSON.readTree(text);
                    if (!frame.has("id")) {
                        continue; // the room's events (presence), not answers
                    }
                    assertEquals("RATE_LIMITED", frame.path("data").path("code").asText(), text);
                    assertTrue(frame.path("data").path("retryAfterMs").asLong() > 0, text);
                    refused.add(frame.path("id").asText());
                }
                lock.rollback();
            }
            List<String> beyond = new ArrayList<>();
            for (int i = 100; i < 150; i++) {
                beyond.add("p" + i);
            }
            assertEquals(beyond, refused, "the 50 frames beyond the 100 waiting, refused at once");

            List<String> ran = new ArrayList<>();
            for (String text : client.readUntil(text -> text.contains("\"p99\""), Duration.ofSeconds(20))
                    .texts()) {
                JsonNode frame = JSON.readTree(text);
                String id = frame.path("id").asText(null);
                if (id != null) {
                    ran.add(id);
                    if ("s".equals(id)) {
                        assertEquals("ack", frame.path("event").asText(), text);
                    }
                }
            }
            List<String> inOrder = new ArrayList<>(List.of("s"));
            for (int i = 0; i < 100; i++) {
                inOrder.add("p" + i);
            }
            assertEquals(inOrder, ran, "the send, then the waiting frames, in order");
        }
    }

    /** Over Server-Sent Events the frames come in POSTs: one that would make more than 100 wait is refused whole. */
    @Test
    void aPostThatWouldMakeMoreThanAHundredWaitIsRefusedWholeWith429() throws Exception {
        String token = Tokens.user("sse-flooder");
        String room = ChatFixtures.room(base, "sse-flooder", "sse-flood");
        try (SseClient client = SseClient.withBearer(base, token)) {
            client.join(room);
            try (Connection lock = lockedRoomRow(room)) {
                // The send runs (waiting for the row); 99 pings wait behind it, in five POSTs of at most 20 frames.
                List<String> first = new ArrayList<>();
                first.add(WsClient.frame("message.send", "s", Map.of("room", room, "text", "hi", "clientMsgId", "c2")));
                for (int i = 0; i < 99; i++) {
                    first.add(WsClient.frame("ping", "p" + i, null));
                    if (first.size() == 20 || i == 98) {
                        client.sendAll(first);
                        first.clear();
                    }
                }
                HttpResponse<String> refused = SseClient.post(
                        base,
                        client.clientId(),
                        token,
                        "[" + WsClient.frame("ping", "q0", null) + "," + WsClient.frame("ping", "q1", null) + "]");
                assertEquals(429, refused.statusCode(), refused.body());
                assertTrue(refused.body().contains("\"RATE_LIMITED\""), refused.body());
                client.send(WsClient.frame("ping", "q2", null)); // the hundredth fits
                lock.rollback();
            }
            List<String> ran = new ArrayList<>();
            while (!ran.contains("q2")) {
                JsonNode frame = client.awaitFrame(reply -> reply.has("id"), "a reply");
                ran.add(frame.path("id").asText());
            }
            List<String> inOrder = new ArrayList<>(List.of("s"));
            for (int i = 0; i < 99; i++) {
                inOrder.add("p" + i);
            }
            inOrder.add("q2");
            assertEquals(inOrder, ran, "the send, the waiting frames in order, and nothing of the refused POST");
            // A last frame's answer (a pong, or RATE_LIMITED once the connection's bucket is spent) comes after
            // anything else queued for the stream: no answer to q0 or q1 came before it.
            client.send(WsClient.frame("ping", "last", null));
            client.awaitReply("last");
            assertTrue(client.drain().stream().noneMatch(frame -> frame.has("id")), "no answer to q0 or q1");
        }
    }

    /** A transaction holding the room's row: a send to the room waits until it ends (the caller rolls back). */
    private Connection lockedRoomRow(String room) throws Exception {
        Connection lock = database.getConnection();
        lock.setAutoCommit(false);
        try (PreparedStatement select = lock.prepareStatement("SELECT 1 FROM rooms WHERE name = ? FOR UPDATE")) {
            select.setString(1, room);
            select.executeQuery().close();
        }
        return lock;
    }
}
