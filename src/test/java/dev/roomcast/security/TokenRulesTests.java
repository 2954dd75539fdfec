package dev.roomcast.security;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.roomcast.testing.ServicesResource;
import dev.roomcast.testing.Tokens;
import dev.roomcast.testing.WsClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * PROTOCOL.md section 2: {@code sub} is the user id, 1 to 255 characters without control characters, on WebSocket and
 * the HTTP API alike; a token that breaks the rule is invalid everywhere (401 at the handshake and on REST, 4003 by
 * first message), never a 500 later.
 */
@QuarkusTest
@WithTestResource(ServicesResource.class)
class TokenRulesTests {

    @TestHTTPResource("/")
    URI base;

    @Test
    void aTokenWithoutAValidSubIsRefusedOnEveryEntryPoint() {
        List<String> invalid = List.of(
                Tokens.custom(claims -> claims.claim("upn", "no-sub")),
                Tokens.custom(claims -> claims.subject("   ")),
                Tokens.custom(claims -> claims.subject("line\nbreak")),
                Tokens.custom(claims -> claims.subject("nul\u0000byte")),
                Tokens.custom(claims -> claims.subject("x".repeat(256))));
        for (String token : invalid) {
            given().auth()
                    .oauth2(token)
                    .get("/api/rooms")
                    .then()
                    .statusCode(401)
                    .body("code", equalTo("AUTH_REQUIRED"));
            given().auth().oauth2(token).get("/api/notifications").then().statusCode(401);
            given().auth()
                    .oauth2(token)
                    .contentType("application/json")
                    .body(Map.of("room", "chat:x-sub"))
                    .post("/api/rooms")
                    .then()
                    .statusCode(401);
            assertEquals(401, WsClient.refusedStatus(base, null, Map.of("Authorization", "Bearer " + token)));
            try (WsClient client = WsClient.open(base)) {
                client.send(WsClient.frame("authenticate", "a", Map.of("token", token)));
                assertEquals(4003, client.awaitClose());
            }
        }
    }

    @Test
    void theLongestValidSubIsAUser() {
        String longest = "\uD83D\uDE00".repeat(255); // 255 characters, 510 UTF-16 units
        String token = Tokens.custom(claims -> claims.subject(longest));
        given().auth().oauth2(token).get("/api/rooms").then().statusCode(200);
        try (WsClient client = WsClient.withBearer(base, token)) {
            assertEquals(
                    longest, client.connectedFrame().path("data").path("userId").asText());
        }
    }
}
