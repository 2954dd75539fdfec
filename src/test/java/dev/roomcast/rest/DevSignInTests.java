package dev.roomcast.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.roomcast.testing.ServicesResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The chat page's development sign-in ({@code /dev/sign-in}, dev and test profiles only; ChatPageIT checks that a
 * production pod answers 404) and the page itself, served at {@code /} with the JavaScript client under
 * {@code /client/}.
 */
@QuarkusTest
@WithTestResource(ServicesResource.class)
class DevSignInTests {

    private static JsonPath signIn(Map<String, Object> body) {
        return given().contentType("application/json")
                .body(body)
                .post("/dev/sign-in")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
    }

    /** An emit needs the admin role: 202 with it, 403 without. */
    private static int emitStatus(String token) {
        return given().auth()
                .oauth2(token)
                .contentType("application/json")
                .body(Map.of("type", "room", "target", "live:dev", "event", "e"))
                .post("/api/emit")
                .statusCode();
    }

    private static void assertRefused(String body) {
        given().contentType("application/json")
                .body(body)
                .post("/dev/sign-in")
                .then()
                .statusCode(400)
                .body("code", equalTo("BAD_REQUEST"));
    }

    @Test
    void theSignedTokenIsAcceptedByTheApiForOneHour() {
        given().get("/dev/sign-in").then().statusCode(204);
        JsonPath signed = signIn(Map.of("userId", "dev-signer"));
        long exp = signed.getLong("exp");
        long inAnHour = Instant.now().plus(DevSignInResource.LIFETIME).getEpochSecond();
        assertTrue(exp > inAnHour - 60 && exp <= inAnHour, "exp " + exp);
        given().auth()
                .oauth2(signed.getString("token"))
                .get("/api/rooms")
                .then()
                .statusCode(200);
        assertEquals(403, emitStatus(signed.getString("token")));
    }

    @Test
    void anAdminSignInCarriesTheAdminRole() {
        assertEquals(
                202,
                emitStatus(signIn(Map.of("userId", "dev-admin", "admin", true)).getString("token")));
    }

    @Test
    void badUserIdsAndBodiesAre400() {
        for (String userId : new String[] {"", "a b", "x".repeat(65), "a\\u0000", "\\u00e9"}) {
            assertRefused("{\"userId\":\"" + userId + "\"}");
        }
        assertRefused("{\"userId\":");
        assertRefused("{}");
    }

    @Test
    void thePageAndTheClientAreServed() {
        given().get("/")
                .then()
                .statusCode(200)
                .contentType(containsString("text/html"))
                // No other origin may frame the page (it could hand it a token of its choosing).
                .header("Content-Security-Policy", equalTo("frame-ancestors 'self'"))
                .body(containsString("/app/main.js"));
        for (String module :
                new String[] {"/app/main.js", "/client/index.js", "/client/client.js", "/client/transport-sse.js"}) {
            given().get(module).then().statusCode(200).contentType(containsString("javascript"));
        }
    }
}
