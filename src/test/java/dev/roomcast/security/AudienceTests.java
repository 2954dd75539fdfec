package dev.roomcast.security;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.roomcast.testing.ServicesResource;
import dev.roomcast.testing.Tokens;
import dev.roomcast.testing.WsClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * PROTOCOL.md section 2: with {@code mp.jwt.verify.audiences} set (as the production overlay sets it), a token's
 * {@code aud} must name one of them, on WebSocket and REST alike.
 */
@QuarkusTest
@TestProfile(AudienceTests.WithAudience.class)
@WithTestResource(ServicesResource.class)
class AudienceTests {

    @TestHTTPResource("/")
    URI base;

    @Test
    void aTokenForAnotherAudienceIsRefusedEverywhere() {
        for (String token : List.of(
                Tokens.user("no-audience"),
                Tokens.custom(claims -> claims.subject("elsewhere").audience("another-service")))) {
            given().auth().oauth2(token).get("/api/rooms").then().statusCode(401);
            assertEquals(401, WsClient.refusedStatus(base, "access_token=" + token, Map.of()));
            try (WsClient client = WsClient.open(base)) {
                client.send(WsClient.frame("authenticate", "a", Map.of("token", token)));
                assertEquals(4003, client.awaitClose());
            }
        }
    }

    @Test
    void aTokenForThisAudienceIsAccepted() {
        String token = Tokens.custom(claims -> claims.subject("audience-ok").audience(Set.of("other", "roomcast-api")));
        given().auth().oauth2(token).get("/api/rooms").then().statusCode(200);
        try (WsClient client = WsClient.withQueryToken(base, token)) {
            assertEquals(
                    "audience-ok",
                    client.connectedFrame().path("data").path("userId").asText());
        }
    }

    public static class WithAudience implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("mp.jwt.verify.audiences", "roomcast-api");
        }
    }
}
