package dev.roomcast.chat;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.roomcast.testing.ChatFixtures;
import dev.roomcast.testing.ServicesResource;
import dev.roomcast.testing.ShortLimitsProfile;
import dev.roomcast.testing.Tokens;
import dev.roomcast.testing.WsClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code roomcast.history.max-events} (50 here): once retention no longer covers a client's gap it is told
 * {@code recovered:false}; so is a client that missed more than {@code roomcast.history.max-replay} (20 here); a gap
 * still covered is recovered. History over REST is not pruned.
 */
@QuarkusTest
@TestProfile(ShortLimitsProfile.class)
@WithTestResource(ServicesResource.class)
class RetentionTests {

    @TestHTTPResource("/")
    URI base;

    @Test
    void recoveryStopsWhereRetentionEnds() {
        String room = ChatFixtures.room(base, "keeper", "retention");
        String epoch;
        try (WsClient keeper = WsClient.withBearer(base, Tokens.user("keeper"))) {
            epoch = keeper.join(room)
                    .path("data")
                    .path("rooms")
                    .get(0)
                    .path("epoch")
                    .asText();
        }
        for (int i = 0; i < 100; i++) {
            given().auth()
                    .oauth2(Tokens.user("keeper"))
                    .contentType(ContentType.JSON)
                    .body(Map.of("text", "m" + i, "clientMsgId", room + "-" + i))
                    .post("/api/rooms/" + room + "/messages")
                    .then()
                    .statusCode(201);
        }
        try (WsClient keeper = WsClient.withBearer(base, Tokens.user("keeper"))) {
            JsonNode tooOld = ChatFixtures.joinSince(keeper, room, 10, epoch);
            assertFalse(tooOld.path("recovered").asBoolean(), tooOld.toString());
            keeper.request("leave", Map.of("rooms", List.of(room)));
            JsonNode tooMany = ChatFixtures.joinSince(keeper, room, 75, epoch);
            assertFalse(tooMany.path("recovered").asBoolean(), "retained, but more than max-replay: " + tooMany);
            assertEquals(0, tooMany.path("missed").asInt());
        }
        // A connection of its own: this profile allows two joins per connection.
        try (WsClient keeper = WsClient.withBearer(base, Tokens.user("keeper"))) {
            JsonNode covered = ChatFixtures.joinSince(keeper, room, 85, epoch);
            assertTrue(covered.path("recovered").asBoolean(), covered.toString());
            assertEquals(15, covered.path("missed").asInt());
            for (long offset = 86; offset <= 100; offset++) {
                assertEquals(
                        offset,
                        keeper.awaitEvent("message.created").path("offset").asLong());
            }
        }
        JsonNode oldest = given().auth()
                .oauth2(Tokens.user("keeper"))
                .get("/api/rooms/" + room + "/messages?after=0&limit=1")
                .then()
                .statusCode(200)
                .extract()
                .as(JsonNode.class);
        assertEquals(1, oldest.path("items").get(0).path("offset").asLong(), "messages themselves are kept");
    }
}
