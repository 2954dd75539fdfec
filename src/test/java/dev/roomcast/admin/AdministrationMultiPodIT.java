package dev.roomcast.admin;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.roomcast.testing.LocalServices;
import dev.roomcast.testing.Pod;
import dev.roomcast.testing.Pods;
import dev.roomcast.testing.SseClient;
import dev.roomcast.testing.Tokens;
import dev.roomcast.testing.WsClient;
import io.restassured.http.ContentType;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * PROTOCOL.md section 12 across packaged pods on one Redis and PostgreSQL: a disconnect and a revocation made on one pod
 * end sessions held by the other, over both transports; the other pod refuses the revoked token; a pod that missed the
 * notice (Redis down while revoking) refuses it once Redis is back; a pod started afterwards refuses it from the
 * start.
 */
class AdministrationMultiPodIT {

    private static final Duration WITHIN = Duration.ofSeconds(30);

    @RegisterExtension
    static final Pods PODS = Pods.of("admin-a", Pod.UNLIMITED_RATES).and("admin-b", Pod.UNLIMITED_RATES);

    @AfterEach
    void redisIsBack() {
        LocalServices.run("start-redis");
    }

    @Test
    void aDisconnectOnOnePodEndsTheUsersSessionsOnBothOverBothTransports() {
        try (WsClient onFirst = WsClient.withBearer(PODS.first().base(), Tokens.user("adm-ann"));
                SseClient onSecond = SseClient.withBearer(PODS.second().base(), Tokens.user("adm-ann"));
                WsClient bystander = WsClient.withBearer(PODS.second().base(), Tokens.user("adm-bob"))) {
            admin(PODS.first().base(), "/api/disconnect", Map.of("user", "adm-ann", "reason", "banned"), 202);
            assertEquals(4006, onFirst.awaitClose());
            assertEquals(4006, onSecond.awaitClose());
            assertEquals(
                    "banned", onSecond.closeFrame().path("data").path("reason").asText());
            assertEquals(
                    "pong", bystander.request("ping", Map.of()).path("event").asText());
        }
        try (SseClient stream = SseClient.withBearer(PODS.second().base(), Tokens.user("adm-ann"))) {
            admin(PODS.first().base(), "/api/disconnect", Map.of("client", stream.clientId()), 202);
            assertEquals(4006, stream.awaitClose());
        }
    }

    @Test
    void aRevocationOnOnePodEndsSessionsOnTheOtherWhichRefusesTheOldTokenAndTakesANewOne() {
        String old = Tokens.user("adm-carol");
        try (WsClient onSecond = WsClient.withBearer(PODS.second().base(), old);
                SseClient streamOnSecond = SseClient.withBearer(PODS.second().base(), old)) {
            long issuedBefore = given().baseUri(PODS.first().base().toString())
                    .auth()
                    .oauth2(old)
                    .contentType(ContentType.JSON)
                    .body(Map.of("user", "adm-carol"))
                    .post("/api/revocations")
                    .then()
                    .statusCode(201)
                    .extract()
                    .jsonPath()
                    .getLong("issuedBefore");
            assertEquals(4006, onSecond.awaitClose());
            assertEquals(4006, streamOnSecond.awaitClose());
            assertEquals(
                    401, WsClient.refusedStatus(PODS.second().base(), null, Map.of("Authorization", "Bearer " + old)));
            given().baseUri(PODS.second().base().toString())
                    .auth()
                    .oauth2(old)
                    .get("/api/rooms")
                    .then()
                    .statusCode(401);
            String fresh = Tokens.issuedAt("adm-carol", Instant.ofEpochSecond(issuedBefore));
            try (WsClient again = WsClient.withBearer(PODS.second().base(), fresh)) {
                assertEquals(
                        "pong", again.request("ping", Map.of()).path("event").asText());
            }
        }
        // A pod that starts afterwards reads the revocation before it serves.
        try (Pod later = Pod.start("admin-later", Pod.UNLIMITED_RATES)) {
            assertEquals(401, WsClient.refusedStatus(later.base(), null, Map.of("Authorization", "Bearer " + old)));
            given().baseUri(later.base().toString())
                    .auth()
                    .oauth2(old)
                    .get("/api/rooms")
                    .then()
                    .statusCode(401);
        }
    }

    @Test
    void aPodThatMissedTheNoticeRefusesTheTokenOnceRedisIsBack() {
        String old = Tokens.user("adm-dave");
        try (WsClient onSecond = WsClient.withBearer(PODS.second().base(), old)) {
            LocalServices.run("stop-redis");
            await().atMost(WITHIN).until(() -> PODS.second().readinessStatus() == 503);
            // Stored in PostgreSQL and in force on the first pod; the notice to the second is lost with Redis.
            given().baseUri(PODS.first().base().toString())
                    .auth()
                    .oauth2(Tokens.admin("adm-ops"))
                    .contentType(ContentType.JSON)
                    .body(Map.of("user", "adm-dave"))
                    .post("/api/revocations")
                    .then()
                    .statusCode(201);
            LocalServices.run("start-redis");
            assertEquals(4006, onSecond.awaitClose(WITHIN));
            await().atMost(WITHIN)
                    .ignoreExceptions()
                    .until(() ->
                            WsClient.refusedStatus(PODS.second().base(), null, Map.of("Authorization", "Bearer " + old))
                                    == 401);
        }
    }

    private static void admin(URI pod, String path, Map<String, Object> body, int status) {
        given().baseUri(pod.toString())
                .auth()
                .oauth2(Tokens.admin("adm-ops"))
                .contentType(ContentType.JSON)
                .body(body)
                .post(path)
                .then()
                .statusCode(status);
    }
}
