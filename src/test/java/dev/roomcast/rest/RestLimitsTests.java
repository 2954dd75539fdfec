package dev.roomcast.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.roomcast.testing.ChatFixtures;
import dev.roomcast.testing.Ids;
import dev.roomcast.testing.ServicesResource;
import dev.roomcast.testing.SseClient;
import dev.roomcast.testing.Tokens;
import dev.roomcast.testing.WsClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * PROTOCOL.md section 6: every request of the HTTP API draws on its user's token buckets (reads and writes apart): over
 * them, 429 {@code RATE_LIMITED} with {@code Retry-After}; and a user owns at most {@code roomcast.max-rooms-per-user}
 * rooms (403 {@code LIMIT_EXCEEDED}). The buckets here are small and refill slowly.
 */
@QuarkusTest
@TestProfile(RestLimitsTests.SmallBuckets.class)
@WithTestResource(ServicesResource.class)
class RestLimitsTests {

    @TestHTTPResource("/")
    URI base;

    @Test
    void readsOverTheBucketAre429WithRetryAfterAndOtherUsersAreNotSlowed() {
        int ok = 0;
        Response refused = null;
        for (int i = 0; i < 8 && refused == null; i++) {
            Response response = given().auth().oauth2(Tokens.user("reader-a")).get("/api/notifications");
            if (response.statusCode() == 429) {
                refused = response;
            } else {
                assertEquals(200, response.statusCode());
                ok++;
            }
        }
        assertTrue(refused != null && ok >= 5, "the burst of 5 reads, then 429; got " + ok + " first");
        refused.then().body("code", equalTo("RATE_LIMITED"));
        assertTrue(Integer.parseInt(refused.header("Retry-After")) >= 1, "Retry-After in whole seconds");
        given().auth()
                .oauth2(Tokens.user("reader-b"))
                .get("/api/notifications")
                .then()
                .statusCode(200);
        // Writes have a bucket of their own: the reader may still write.
        given().auth()
                .oauth2(Tokens.user("reader-a"))
                .contentType("application/json")
                .body(Map.of("room", ChatFixtures.newRoomName("reads-apart")))
                .post("/api/rooms")
                .then()
                .statusCode(201);
    }

    @Test
    void writesOverTheBucketAre429AndNothingIsDone() {
        String room = ChatFixtures.newRoomName("writes");
        given().auth()
                .oauth2(Tokens.user("bucket-writer"))
                .contentType("application/json")
                .body(Map.of("room", room))
                .post("/api/rooms")
                .then()
                .statusCode(201);
        int status = 0;
        int sent = 0;
        for (; sent < 10 && status != 429; sent++) {
            status = given().auth()
                    .oauth2(Tokens.user("bucket-writer"))
                    .contentType("application/json")
                    .body(Map.of("text", "m" + sent, "clientMsgId", "w-" + sent))
                    .post("/api/rooms/" + room + "/messages")
                    .statusCode();
        }
        assertEquals(429, status, "a write bucket of 6: the room, five messages, then 429");
        assertEquals(6, sent);
        Response page = given().auth().oauth2(Tokens.admin("auditor")).get("/api/rooms/" + room + "/messages");
        assertEquals(5, page.jsonPath().getList("items").size(), "the refused message was not stored");
        given().auth()
                .oauth2(Tokens.user("another-writer"))
                .contentType("application/json")
                .body(Map.of("room", ChatFixtures.newRoomName("other-writer")))
                .post("/api/rooms")
                .then()
                .statusCode(201);
    }

    @Test
    void aUserOwnsAtMostTheRoomQuota() {
        String[] rooms = {
            ChatFixtures.newRoomName("quota-1"),
            ChatFixtures.newRoomName("quota-2"),
            ChatFixtures.newRoomName("quota-3")
        };
        // A user of its own: the quota counts every room the user ever kept, in a database other runs may have used.
        String owner = Ids.unique("owner-q");
        create(owner, rooms[0]).then().statusCode(201);
        create(owner, rooms[1]).then().statusCode(201);
        create(owner, rooms[2]).then().statusCode(403).body("code", equalTo("LIMIT_EXCEEDED"));
        given().auth()
                .oauth2(Tokens.user(owner))
                .delete("/api/rooms/" + rooms[0])
                .then()
                .statusCode(204);
        create(owner, rooms[2]).then().statusCode(201);
    }

    private static Response create(String owner, String room) {
        return given().auth()
                .oauth2(Tokens.user(owner))
                .contentType("application/json")
                .body(Map.of("room", room))
                .post("/api/rooms");
    }

    /** PROTOCOL.md section 11: a POST of frames for an SSE session is a write of its user, refused as REST writes are. */
    @Test
    void ssePostsDrawOnTheUsersWriteBucket() {
        try (SseClient stream = SseClient.withBearer(base, Tokens.user("sse-poster"))) {
            String ping = WsClient.frame("ping", "p", null);
            int accepted = 0;
            HttpResponse<String> refused = null;
            for (int i = 0; i < 10 && refused == null; i++) {
                HttpResponse<String> answer = SseClient.post(base, stream.clientId(), Tokens.user("sse-poster"), ping);
                if (answer.statusCode() == 429) {
                    refused = answer;
                } else {
                    assertEquals(202, answer.statusCode(), answer.body());
                    accepted++;
                }
            }
            assertEquals(6, accepted, "the write bucket of 6, then 429");
            assertTrue(refused.body().contains("\"RATE_LIMITED\""), refused.body());
            assertTrue(
                    Integer.parseInt(refused.headers().firstValue("Retry-After").orElse("0")) >= 1);
            for (int i = 0; i < accepted; i++) {
                assertEquals("pong", stream.awaitEvent("pong").path("event").asText());
            }
        }
    }

    public static class SmallBuckets implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "roomcast.rest-rate-limits.reads.rate",
                    "0.01",
                    "roomcast.rest-rate-limits.reads.burst",
                    "5",
                    "roomcast.rest-rate-limits.writes.rate",
                    "0.01",
                    "roomcast.rest-rate-limits.writes.burst",
                    "6",
                    "roomcast.max-rooms-per-user",
                    "2");
        }
    }
}
