package dev.roomcast.chat;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import dev.roomcast.testing.ChatFixtures;
import dev.roomcast.testing.Ids;
import dev.roomcast.testing.ServicesResource;
import dev.roomcast.testing.Tokens;
import dev.roomcast.testing.WsClient;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/**
 * PROTOCOL.md section 6: stored notifications are kept {@code roomcast.notifications.max-age} (30 days) and go with
 * their room. The test ages a notification in the database, as thirty-one days would.
 */
@QuarkusTest
@WithTestResource(ServicesResource.class)
class NotificationRetentionTests {

    @TestHTTPResource("/")
    URI base;

    @Inject
    AgroalDataSource database;

    @Inject
    RetentionJob retention;

    @Test
    void notificationsOlderThanTheirAgeLimitAreDeleted() throws SQLException {
        String reader = Ids.unique("aging-reader");
        String room = ChatFixtures.room(base, "aging-author", "aging", reader);
        mention("aging-author", room, "@" + reader + " first");
        mention("aging-author", room, "@" + reader + " second");
        given().auth()
                .oauth2(Tokens.user(reader))
                .get("/api/notifications")
                .then()
                .body("items.size()", equalTo(2));
        try (Connection connection = database.getConnection();
                PreparedStatement age = connection.prepareStatement(
                        "update notifications set created_at = now() - interval '31 days' "
                                + "where user_id = ? and message_id = (select min(message_id) from notifications where user_id = ?)")) {
            age.setString(1, reader);
            age.setString(2, reader);
            age.executeUpdate();
        }
        retention.pruneNotifications().await().indefinitely();
        given().auth()
                .oauth2(Tokens.user(reader))
                .get("/api/notifications")
                .then()
                .body("items.size()", equalTo(1))
                .body("items[0].messageId", equalTo(newestMention(reader)));
    }

    @Test
    void notificationsGoWithTheirRoom() {
        String reader = Ids.unique("gone-reader");
        String room = ChatFixtures.room(base, "gone-author", "gone", reader);
        mention("gone-author", room, "hello @" + reader);
        given().auth()
                .oauth2(Tokens.user(reader))
                .get("/api/notifications")
                .then()
                .body("items.size()", equalTo(1));
        given().auth()
                .oauth2(Tokens.user("gone-author"))
                .delete("/api/rooms/" + room)
                .then()
                .statusCode(204);
        given().auth()
                .oauth2(Tokens.user(reader))
                .get("/api/notifications")
                .then()
                .body("items.size()", equalTo(0));
    }

    private int newestMention(String reader) throws SQLException {
        try (Connection connection = database.getConnection();
                PreparedStatement newest =
                        connection.prepareStatement("select max(message_id) from notifications where user_id = ?")) {
            newest.setString(1, reader);
            try (var rows = newest.executeQuery()) {
                rows.next();
                return (int) rows.getLong(1);
            }
        }
    }

    private void mention(String author, String room, String text) {
        try (WsClient client = WsClient.withBearer(base, Tokens.user(author))) {
            client.join(room);
            ChatFixtures.send(client, room, text);
        }
    }
}
