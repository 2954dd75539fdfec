package dev.roomcast.chat;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.roomcast.protocol.Channels;
import dev.roomcast.testing.ChatFixtures;
import dev.roomcast.testing.Metrics;
import dev.roomcast.testing.PodBodies;
import dev.roomcast.testing.RedisCli;
import dev.roomcast.testing.ServicesResource;
import dev.roomcast.testing.Tokens;
import dev.roomcast.testing.WsClient;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What the event log repairs when live delivery failed: an event committed but never published (Redis lost it, or was
 * down) still reaches the room's subscribers, a room deleted while its {@code room.deleted} was lost is closed for its
 * members, a recovery whose log has a hole is refused rather than replayed with the hole, and the age limit prunes
 * old events room by room. The test changes the database behind the service's back, as a lost publish would leave it.
 */
@QuarkusTest
@WithTestResource(ServicesResource.class)
class LogRepairTests {

    @TestHTTPResource("/")
    URI base;

    @Inject
    AgroalDataSource database;

    @Inject
    RetentionJob retention;

    @Test
    void anEventCommittedButNeverPublishedStillArrives() throws SQLException {
        String room = ChatFixtures.room(base, "repair-owner", "lost-event");
        try (WsClient owner = WsClient.withBearer(base, Tokens.user("repair-owner"))) {
            owner.join(room);
            ChatFixtures.send(owner, room, "published");
            assertEquals(1, owner.awaitEvent("message.created").path("offset").asLong());

            long offset = commitUnpublished(room, "room.updated", "{\"room\":\"" + room + "\"}");

            JsonNode repaired = owner.awaitEvent("room.updated");
            assertEquals(offset, repaired.path("offset").asLong(), repaired.toString());
            assertEquals(room, repaired.path("data").path("room").asText());
            ChatFixtures.send(owner, room, "after");
            assertEquals(
                    offset + 1,
                    owner.awaitEvent("message.created").path("offset").asLong(),
                    "the stream goes on after the repaired offset");
        }
    }

    @Test
    void aGapFillNeverMovesPastTheCommittedOffset() {
        String room = ChatFixtures.room(base, "repair-owner", "beyond-committed");
        try (WsClient owner = WsClient.withBearer(base, Tokens.user("repair-owner"))) {
            owner.join(room);
            double invalid = Metrics.value("roomcast_dropped_total{reason=\"invalid\"}");
            // Even a body a pod signed (a bug, or a pod of another cluster on the same Redis) cannot skip the stream
            // ahead.
            RedisCli.publish(
                    Channels.room(room),
                    PodBodies.signed("{\"serverId\":\"pod\",\"type\":\"room\",\"target\":\"" + room
                            + "\",\"event\":\"message.created\",\"data\":{\"bogus\":true},\"offset\":1000000}"));
            // The gap it opens is filled from the log, which shows nothing above offset 0: the event is dropped.
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> Metrics.value("roomcast_dropped_total{reason=\"invalid\"}") > invalid);
            ChatFixtures.send(owner, room, "first");
            JsonNode first = owner.awaitEvent("message.created");
            assertEquals(1, first.path("offset").asLong(), first.toString());
            assertEquals(
                    "first", first.path("data").path("message").path("text").asText());
            ChatFixtures.send(owner, room, "second");
            assertEquals(2, owner.awaitEvent("message.created").path("offset").asLong());
        }
    }

    @Test
    void aRoomDeletedWhileItsSignalWasLostIsClosedAndItsNameCanBeReused() throws SQLException {
        String room = ChatFixtures.room(base, "repair-owner", "lost-delete");
        try (WsClient owner = WsClient.withBearer(base, Tokens.user("repair-owner"))) {
            owner.join(room);
            ChatFixtures.send(owner, room, "before");
            owner.awaitEvent("message.created");

            update("DELETE FROM rooms WHERE name = ?", room);

            JsonNode deleted = owner.awaitEvent("room.deleted");
            assertEquals(room, deleted.path("data").path("room").asText());

            given().auth()
                    .oauth2(Tokens.user("repair-owner"))
                    .contentType(ContentType.JSON)
                    .body(Map.of("room", room))
                    .post("/api/rooms")
                    .then()
                    .statusCode(201);
            JsonNode notIn =
                    owner.request("message.send", Map.of("room", room, "text", "x", "clientMsgId", room + "-x"));
            assertEquals("FORBIDDEN", notIn.path("data").path("code").asText(), "no longer in the room: " + notIn);
            JsonNode rejoined = owner.join(room).path("data").path("rooms").get(0);
            assertTrue(rejoined.path("joined").asBoolean(), rejoined.toString());
            assertEquals(0, rejoined.path("offset").asLong());
            ChatFixtures.send(owner, room, "new life");
            assertEquals(
                    1,
                    owner.awaitEvent("message.created").path("offset").asLong(),
                    "the recreated room's offsets start again and are delivered");
        }
    }

    @Test
    void aRecoveryWhoseLogHasAHoleIsNotReplayed() throws SQLException {
        String room = ChatFixtures.room(base, "repair-owner", "hole");
        String epoch = ChatFixtures.sendMessages(base, "repair-owner", room, 4);
        update("DELETE FROM room_events WHERE room = ? AND room_offset = 3", room);
        try (WsClient owner = WsClient.withBearer(base, Tokens.user("repair-owner"))) {
            JsonNode result = ChatFixtures.joinSince(owner, room, 1, epoch);
            assertTrue(result.path("joined").asBoolean(), result.toString());
            assertFalse(result.path("recovered").asBoolean(), "offset 3 is gone: " + result);
            assertEquals(0, result.path("missed").asInt());
            owner.request("leave", Map.of("rooms", List.of(room)));
            JsonNode afterHole = ChatFixtures.joinSince(owner, room, 3, epoch);
            assertTrue(afterHole.path("recovered").asBoolean(), "the gap after the hole is whole: " + afterHole);
            assertEquals(1, afterHole.path("missed").asInt());
            assertEquals(4, owner.awaitEvent("message.created").path("offset").asLong());
        }
    }

    @Test
    void theAgeLimitPrunesOldEventsAndRecoveryThenStopsThere() throws SQLException {
        String room = ChatFixtures.room(base, "repair-owner", "aged");
        String epoch = ChatFixtures.sendMessages(base, "repair-owner", room, 3);
        // Offsets 1 and 2 are eight days old now, beyond the default max-age of 7 days.
        update(
                "UPDATE room_events SET created_at = now() - interval '8 days' WHERE room = ? AND room_offset <= 2",
                room);

        long removed = retention.prune().await().atMost(Duration.ofSeconds(30));

        assertTrue(removed >= 2, "removed " + removed);
        assertEquals(1, count("SELECT count(*) FROM room_events WHERE room = ?", room));
        try (WsClient owner = WsClient.withBearer(base, Tokens.user("repair-owner"))) {
            JsonNode tooOld = ChatFixtures.joinSince(owner, room, 0, epoch);
            assertFalse(tooOld.path("recovered").asBoolean(), tooOld.toString());
            owner.request("leave", Map.of("rooms", List.of(room)));
            JsonNode covered = ChatFixtures.joinSince(owner, room, 2, epoch);
            assertTrue(covered.path("recovered").asBoolean(), covered.toString());
            assertEquals(3, owner.awaitEvent("message.created").path("offset").asLong());
        }
    }

    /** Stores a room event as a writer would, and publishes nothing: what a publish lost in Redis leaves behind. */
    private long commitUnpublished(String room, String event, String data) throws SQLException {
        try (Connection connection = database.getConnection()) {
            connection.setAutoCommit(false);
            long offset;
            try (PreparedStatement next = connection.prepareStatement(
                    "UPDATE rooms SET last_offset = last_offset + 1 WHERE name = ? RETURNING last_offset")) {
                next.setString(1, room);
                try (ResultSet row = next.executeQuery()) {
                    row.next();
                    offset = row.getLong(1);
                }
            }
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO room_events (room, room_offset, event, data, created_at) VALUES (?, ?, ?, ?, now())")) {
                insert.setString(1, room);
                insert.setLong(2, offset);
                insert.setString(3, event);
                insert.setString(4, data);
                insert.executeUpdate();
            }
            connection.commit();
            return offset;
        }
    }

    private void update(String sql, String room) throws SQLException {
        try (Connection connection = database.getConnection();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, room);
            assertTrue(statement.executeUpdate() > 0, sql);
        }
    }

    private long count(String sql, String room) throws SQLException {
        try (Connection connection = database.getConnection();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, room);
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        }
    }
}
