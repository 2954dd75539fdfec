package dev.roomcast.admin;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.roomcast.testing.LocalServices;
import dev.roomcast.testing.Pod;
import dev.roomcast.testing.Pods;
import dev.roomcast.testing.SseClient;
import dev.roomcast.testing.Tokens;
import dev.roomcast.testing.WsClient;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
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

    /** A pod whose lease outlives it by seconds, not the default 30: how fast the listings forget a dead pod. */
    private static final Map<String, String> SHORT_LEASE = Pod.with(Pod.UNLIMITED_RATES, "roomcast.presence.ttl", "3s");

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

    @Test
    void aUsersSessionsOnEveryPodAreListedFromAnyAndEndedFromAny() {
        String token = Tokens.user("adm-erin");
        try (Pod doomed = Pod.start("admin-doomed", SHORT_LEASE);
                WsClient onFirst = WsClient.withBearer(PODS.first().base(), token);
                SseClient onSecond = SseClient.withBearer(PODS.second().base(), token);
                WsClient onDoomed = WsClient.withBearer(doomed.base(), token)) {
            assertEquals(
                    Set.of(onFirst.clientId(), onSecond.clientId(), onDoomed.clientId()),
                    clients(PODS.second().base(), token));
            assertEquals(
                    Set.of(onFirst.clientId(), onSecond.clientId(), onDoomed.clientId()),
                    clients(PODS.first().base(), token));

            String doomedPod =
                    onDoomed.connectedFrame().path("data").path("pod").asText();
            await().atMost(WITHIN).until(() -> pods().contains(doomedPod)); // its figures, within 2 s of its start
            doomed.kill();
            await().atMost(WITHIN)
                    .until(() -> clients(PODS.first().base(), token)
                            .equals(Set.of(onFirst.clientId(), onSecond.clientId())));
            // Its lease expires within its presence TTL: then it is no node any more.
            await().atMost(WITHIN).until(() -> !pods().contains(doomedPod));

            given().baseUri(PODS.first().base().toString())
                    .auth()
                    .oauth2(token)
                    .delete("/api/users/adm-erin/sessions/" + onSecond.clientId())
                    .then()
                    .statusCode(204);
            assertEquals(4006, onSecond.awaitClose());
            await().atMost(WITHIN)
                    .until(() -> clients(PODS.second().base(), token).equals(Set.of(onFirst.clientId())));
        }
    }

    @Test
    void theNodesListingShowsEveryPodsFiguresAndADrainingOne() {
        try (WsClient onFirst = WsClient.withBearer(PODS.first().base(), Tokens.user("adm-frank"));
                Pod draining = Pod.start("admin-draining", SHORT_LEASE);
                WsClient onDraining = WsClient.withBearer(draining.base(), Tokens.user("adm-frank"))) {
            onFirst.join("live:adm-nodes");
            String first = onFirst.connectedFrame().path("data").path("pod").asText();
            String third = onDraining.connectedFrame().path("data").path("pod").asText();
            await().atMost(WITHIN).until(() -> {
                JsonPath nodes = nodes();
                Map<String, Object> ours = nodes.getMap("items.find { it.pod == '" + first + "' }");
                return ours != null
                        && (Integer) ours.get("connections") >= 1
                        && (Integer) ours.get("users") >= 1
                        && (Integer) ours.get("rooms") >= 1
                        && Boolean.FALSE.equals(ours.get("draining"))
                        && nodes.getList("items.pod").contains(third);
            });
            draining.terminate(); // a drain: sessions are told to reconnect, then closed, then the pod exits
            await().atMost(WITHIN).until(() -> {
                Map<String, Object> stopping = nodes().getMap("items.find { it.pod == '" + third + "' }");
                return stopping != null && Boolean.TRUE.equals(stopping.get("draining"));
            });
            assertTrue(draining.awaitExit(WITHIN));
            await().atMost(WITHIN).until(() -> !pods().contains(third));
        }
        given().baseUri(PODS.first().base().toString())
                .auth()
                .oauth2(Tokens.user("adm-frank"))
                .get("/api/nodes")
                .then()
                .statusCode(403);
    }

    private static JsonPath nodes() {
        return given().baseUri(PODS.second().base().toString())
                .auth()
                .oauth2(Tokens.admin("adm-ops"))
                .get("/api/nodes")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
    }

    private static List<String> pods() {
        return nodes().getList("items.pod", String.class);
    }

    private static Set<String> clients(URI pod, String token) {
        return Set.copyOf(given().baseUri(pod.toString())
                .auth()
                .oauth2(token)
                .get("/api/users/adm-erin/sessions")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("items.client", String.class));
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
