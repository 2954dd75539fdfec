package dev.roomcast.admin;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.roomcast.testing.ServicesResource;
import dev.roomcast.testing.SseClient;
import dev.roomcast.testing.Tokens;
import dev.roomcast.testing.WsClient;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Token revocation on one pod (PROTOCOL.md section 12): a user's revocation closes its live sessions with 4006 (token
 * revoked) over both transports and refuses the old token at every entry point, while a token issued after it works;
 * a jti revocation hits that token only; who may revoke, list and lift what; and lifting lets the token in again.
 */
@QuarkusTest
@WithTestResource(ServicesResource.class)
class RevocationTests {

    @TestHTTPResource("/")
    URI base;

    @Inject
    RevocationSync sync;

    @Inject
    RevocationRepository repository;

    @Test
    void aUserRevocationClosesLiveSessionsAndRefusesTheOldTokenEverywhere() {
        String old = Tokens.user("rv-ann");
        try (WsClient socket = WsClient.withBearer(base, old);
                SseClient stream = SseClient.withBearer(base, old)) {
            JsonNode revocation = revoke(old, Map.of("user", "rv-ann"))
                    .then()
                    .statusCode(201)
                    .body("user", equalTo("rv-ann"))
                    .extract()
                    .as(JsonNode.class);
            assertFalse(revocation.path("id").asText().isEmpty());
            long issuedBefore = revocation.path("issuedBefore").asLong();

            assertEquals(4006, socket.awaitClose());
            assertEquals(4006, stream.awaitClose());
            assertEquals(
                    "token revoked",
                    stream.closeFrame().path("data").path("reason").asText());

            assertEquals(401, WsClient.refusedStatus(base, null, Map.of("Authorization", "Bearer " + old)));
            assertEquals(
                    401,
                    SseClient.refused(base, Map.of("Authorization", "Bearer " + old), "")
                            .status());
            given().baseUri(base.toString())
                    .auth()
                    .oauth2(old)
                    .get("/api/rooms")
                    .then()
                    .statusCode(401);
            try (WsClient first = WsClient.open(base)) {
                first.send(WsClient.frame("authenticate", "a", Map.of("token", old)));
                assertEquals(4003, first.awaitClose());
            }

            String fresh = Tokens.issuedAt("rv-ann", Instant.ofEpochSecond(issuedBefore));
            try (WsClient again = WsClient.withBearer(base, fresh)) {
                JsonNode refused = again.request("refresh", Map.of("token", old));
                assertEquals("FORBIDDEN", refused.path("data").path("code").asText(), refused.toString());
                assertEquals(
                        "pong", again.request("ping", Map.of()).path("event").asText());
            }
            given().baseUri(base.toString())
                    .auth()
                    .oauth2(fresh)
                    .get("/api/rooms")
                    .then()
                    .statusCode(200);
        }
    }

    @Test
    void aJtiRevocationHitsThatTokenOnlyAndLiftingLetsItInAgain() {
        String first = Tokens.user("rv-bob");
        String second = Tokens.user("rv-bob");
        JsonNode claims = Tokens.claimsOf(first);
        try (WsClient revoked = WsClient.withBearer(base, first);
                WsClient kept = WsClient.withBearer(base, second)) {
            String id = revoke(
                            Tokens.admin("rv-ops"),
                            Map.of(
                                    "jti", claims.path("jti").asText(),
                                    "exp", claims.path("exp").asLong()))
                    .then()
                    .statusCode(201)
                    .body("jti", equalTo(claims.path("jti").asText()))
                    .extract()
                    .path("id");
            assertEquals(4006, revoked.awaitClose());
            assertEquals("pong", kept.request("ping", Map.of()).path("event").asText());
            assertEquals(401, WsClient.refusedStatus(base, null, Map.of("Authorization", "Bearer " + first)));

            given().baseUri(base.toString())
                    .auth()
                    .oauth2(Tokens.admin("rv-ops"))
                    .get("/api/revocations")
                    .then()
                    .statusCode(200)
                    .body("items.id", hasItem(id));
            given().baseUri(base.toString())
                    .auth()
                    .oauth2(Tokens.admin("rv-ops"))
                    .delete("/api/revocations/" + id)
                    .then()
                    .statusCode(204);
            try (WsClient back = WsClient.withBearer(base, first)) {
                assertEquals(
                        "pong", back.request("ping", Map.of()).path("event").asText());
            }
            given().baseUri(base.toString())
                    .auth()
                    .oauth2(Tokens.admin("rv-ops"))
                    .delete("/api/revocations/" + id)
                    .then()
                    .statusCode(404);
        }
    }

    @Test
    void whoMayRevokeListAndLiftAndWhatIsRefused() {
        String carol = Tokens.user("rv-carol");
        revoke(carol, Map.of("user", "rv-dave")).then().statusCode(403);
        revoke(carol, Map.of("jti", "some-id", "exp", Instant.now().getEpochSecond() + 60))
                .then()
                .statusCode(403);
        revoke(carol, Map.of()).then().statusCode(400);
        revoke(Tokens.admin("rv-ops"), Map.of("user", "rv-carol", "jti", "x", "exp", 1))
                .then()
                .statusCode(400);
        revoke(carol, Map.of("user", "rv-carol", "issuedBefore", Instant.now().getEpochSecond() + 3600))
                .then()
                .statusCode(400);
        revoke(Tokens.admin("rv-ops"), Map.of("jti", "no-exp")).then().statusCode(400);
        given().baseUri(base.toString())
                .auth()
                .oauth2(carol)
                .get("/api/revocations")
                .then()
                .statusCode(403);
        given().baseUri(base.toString())
                .auth()
                .oauth2(Tokens.admin("rv-ops"))
                .queryParam("limit", 0)
                .get("/api/revocations")
                .then()
                .statusCode(400);
        for (String bad : List.of("limit=abc", "before=x1", "limit=99999999999999999999")) {
            given().baseUri(base.toString())
                    .auth()
                    .oauth2(Tokens.admin("rv-ops"))
                    .get("/api/revocations?" + bad)
                    .then()
                    .statusCode(400)
                    .body("code", equalTo("BAD_REQUEST"));
        }
        given().baseUri(base.toString())
                .auth()
                .oauth2(carol)
                .delete("/api/revocations/1")
                .then()
                .statusCode(403);
    }

    @Test
    void theListingIsNewestFirstByUserAndPaged() {
        String ops = Tokens.admin("rv-ops");
        String erin = "rv-erin-" + System.nanoTime(); // the database outlives a run: a user of this run's own
        long now = Instant.now().getEpochSecond();
        String older = revoke(ops, Map.of("user", erin, "issuedBefore", now - 100))
                .then()
                .statusCode(201)
                .extract()
                .path("id");
        String newer = revoke(ops, Map.of("user", erin, "issuedBefore", now - 50))
                .then()
                .statusCode(201)
                .extract()
                .path("id");
        given().baseUri(base.toString())
                .auth()
                .oauth2(ops)
                .queryParam("user", erin)
                .queryParam("limit", 1)
                .get("/api/revocations")
                .then()
                .statusCode(200)
                .body("items.id", equalTo(List.of(newer)))
                .body("hasMore", equalTo(true));
        given().baseUri(base.toString())
                .auth()
                .oauth2(ops)
                .queryParam("user", erin)
                .queryParam("before", newer)
                .get("/api/revocations")
                .then()
                .statusCode(200)
                .body("items.id", equalTo(List.of(older)))
                .body("hasMore", equalTo(false));
    }

    @Test
    void aTokenWithoutIatOrLivingLongerThanTheMaximumIsInvalid() {
        String noIat = Tokens.withoutIssuedAt("rv-frank");
        String tooLong = Tokens.sign("rv-frank", Set.of(), Instant.now().plusSeconds(25 * 3600));
        for (String token : List.of(noIat, tooLong)) {
            assertEquals(401, WsClient.refusedStatus(base, null, Map.of("Authorization", "Bearer " + token)));
            given().baseUri(base.toString())
                    .auth()
                    .oauth2(token)
                    .get("/api/rooms")
                    .then()
                    .statusCode(401);
            try (WsClient first = WsClient.open(base)) {
                first.send(WsClient.frame("authenticate", "a", Map.of("token", token)));
                assertEquals(4003, first.awaitClose());
            }
        }
    }

    /**
     * Kept until no token it matches can be valid: a user revocation whose cutoff is more than a token lifetime ago is
     * out of force at once (never listed), and the minute's job deletes it from the table and the pod's copy.
     */
    @Test
    void revocationsThatNoValidTokenCanMatchAreNotInForceAndArePruned() throws Throwable {
        String ops = Tokens.admin("rv-ops");
        String user = "rv-gone-" + System.nanoTime();
        long twoDaysAgo = Instant.now().getEpochSecond() - 2 * 86400;
        long id = Long.parseLong(revoke(ops, Map.of("user", user, "issuedBefore", twoDaysAgo))
                .then()
                .statusCode(201)
                .extract()
                .path("id"));
        given().baseUri(base.toString())
                .auth()
                .oauth2(ops)
                .queryParam("user", user)
                .get("/api/revocations")
                .then()
                .statusCode(200)
                .body("items", org.hamcrest.Matchers.empty());
        VertxContextSupport.subscribeAndAwait(sync::expire);
        assertFalse(stored(id), "deleted by the job");
    }

    /**
     * The minute's job deletes expired rows when the pod's copy dropped some, and otherwise once an hour: a row the copy
     * never held (another pod stored it while the link was down) waits for the hour, and nothing is deleted before.
     */
    @Test
    void theTableIsPrunedWhenTheCopyDropsSomethingOrHourly() throws Throwable {
        VertxContextSupport.subscribeAndAwait(sync::expire); // what the copy holds expired goes first
        long now = Instant.now().getEpochSecond();
        Revocation unseen = new Revocation();
        unseen.userId = "rv-unseen-" + System.nanoTime();
        unseen.issuedBefore = now - 2 * 86400;
        unseen.expiresAt = now - 86400;
        unseen.createdAt = java.time.OffsetDateTime.now(java.time.ZoneOffset.UTC);
        long id = VertxContextSupport.subscribeAndAwait(
                () -> Panache.withTransaction(() -> repository.persist(unseen)).map(stored -> stored.id));

        sync.tablePrunedAt(now);
        VertxContextSupport.subscribeAndAwait(sync::expire);
        assertTrue(stored(id), "nothing expired in the copy, and the table was pruned less than an hour ago");

        sync.tablePrunedAt(now - RevocationSync.TABLE_PRUNE_EVERY_SECONDS);
        VertxContextSupport.subscribeAndAwait(sync::expire);
        assertFalse(stored(id), "an hour after the last prune");

        String gone = "rv-dropped-" + System.nanoTime();
        long dropped =
                Long.parseLong(revoke(Tokens.admin("rv-ops"), Map.of("user", gone, "issuedBefore", now - 2 * 86400))
                        .then()
                        .statusCode(201)
                        .extract()
                        .path("id"));
        VertxContextSupport.subscribeAndAwait(sync::expire);
        assertFalse(stored(dropped), "the copy dropped it, so the table was pruned within the hour");
    }

    /** The per-user bound counts every stored revocation, those no token can match too, until the job deletes them. */
    @Test
    void aUserHoldsAtMostAHundredRevocationsEvenOnesOutOfForce() throws InterruptedException {
        String ops = Tokens.admin("rv-cap-ops-" + System.nanoTime()); // a rate bucket of its own
        String user = "rv-cap-" + System.nanoTime();
        long longAgo = Instant.now().getEpochSecond() - 2 * 86400;
        for (int i = 0; i < RevocationService.MAX_PER_USER; i++) {
            assertEquals(201, revokePatiently(ops, Map.of("user", user, "issuedBefore", longAgo - i)));
        }
        assertEquals(403, revokePatiently(ops, Map.of("user", user, "issuedBefore", longAgo)));
    }

    /** Posts a revocation, again after the Retry-After of each 429 (the test fills the caller's write bucket). */
    private int revokePatiently(String token, Map<String, Object> body) throws InterruptedException {
        for (int attempt = 0; attempt < 50; attempt++) {
            Response answer = revoke(token, body);
            if (answer.statusCode() != 429) {
                return answer.statusCode();
            }
            Thread.sleep(1000L * Long.parseLong(answer.getHeader("Retry-After")));
        }
        return 429;
    }

    private boolean stored(long id) throws Throwable {
        return VertxContextSupport.subscribeAndAwait(
                () -> Panache.withSession(() -> repository.findById(id)).map(found -> found != null));
    }

    private Response revoke(String token, Map<String, Object> body) {
        return given().baseUri(base.toString())
                .auth()
                .oauth2(token)
                .contentType(ContentType.JSON)
                .body(body)
                .post("/api/revocations");
    }
}
