package dev.roomcast.faults;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.roomcast.testing.ChatFixtures;
import dev.roomcast.testing.LocalServices;
import dev.roomcast.testing.Management;
import dev.roomcast.testing.ServicesResource;
import dev.roomcast.testing.Tokens;
import dev.roomcast.testing.WsClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL stops while clients are connected: persisted operations answer an error at once (no hang, no crash),
 * readiness goes DOWN, ephemeral features keep working; when the database is back everything resumes without a
 * restart.
 */
@QuarkusTest
@WithTestResource(ServicesResource.class)
class PostgresOutageTests {

    private static final Duration WITHIN = Duration.ofSeconds(30);

    @TestHTTPResource("/")
    URI base;

    @AfterEach
    void postgresIsBack() {
        LocalServices.run("start-postgres");
        await().atMost(WITHIN).until(() -> Management.readinessStatus() == 200);
    }

    @Test
    void withoutTheDatabaseSendsFailFastEphemeralEventsFlowAndAllResumesAfterwards() {
        String chat = ChatFixtures.room(base, "pg-writer", "pg-outage", "pg-reader");
        String live = "live:pg-outage-" + UUID.randomUUID();
        try (WsClient writer = WsClient.withBearer(base, Tokens.user("pg-writer"));
                WsClient reader = WsClient.withBearer(base, Tokens.user("pg-reader"))) {
            writer.join(chat, live);
            reader.join(chat, live);

            LocalServices.run("stop-postgres");
            await().atMost(WITHIN).until(() -> Management.readinessStatus() == 503);

            JsonNode refused =
                    writer.request("message.send", Map.of("room", chat, "text", "lost?", "clientMsgId", "pg-1"));
            assertEquals("error", refused.path("event").asText(), refused.toString());
            assertEquals("INTERNAL", refused.path("data").path("code").asText(), refused.toString());
            given().auth()
                    .oauth2(Tokens.user("pg-writer"))
                    .get("/api/rooms")
                    .then()
                    .statusCode(503)
                    .body("code", equalTo("INTERNAL"));

            try (WsClient newcomer = WsClient.withBearer(base, Tokens.user("pg-reader"))) {
                JsonNode join = newcomer.join(chat, live).path("data").path("rooms");
                assertEquals("INTERNAL", join.get(0).path("error").path("code").asText(), join.toString());
                assertEquals(true, join.get(1).path("joined").asBoolean(), "live rooms need no database: " + join);
            }
            assertEquals(
                    2,
                    writer.request("presence.get", Map.of("room", live))
                            .path("data")
                            .path("users")
                            .size());
            writer.request("typing", Map.of("room", live, "isTyping", true));
            assertEquals(
                    "pg-writer",
                    reader.awaitEvent("typing").path("data").path("userId").asText());
            writer.send(WsClient.frame("publish", null, Map.of("room", live, "event", "still.here")));
            assertEquals(
                    "pg-writer",
                    reader.awaitEvent("still.here").path("from").path("userId").asText());

            LocalServices.run("start-postgres");
            await().atMost(WITHIN).until(() -> Management.readinessStatus() == 200);

            JsonNode sent = writer.request("message.send", Map.of("room", chat, "text", "back", "clientMsgId", "pg-1"));
            assertEquals("ack", sent.path("event").asText(), sent.toString());
            assertEquals(
                    1, reader.awaitEvent("message.created").path("offset").asLong(), "the refused send stored nothing");
        }
    }
}
