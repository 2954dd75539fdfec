package dev.roomcast;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.roomcast.testing.ServicesResource;
import dev.roomcast.testing.Tokens;
import dev.roomcast.testing.WsClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.http.ContentType;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The development signing key (config/dev-jwt, used by scripts/token) is worthless against the prod profile, with
 * the dev issuer or the production one: the prod configuration never trusts that key.
 */
@QuarkusIntegrationTest
@WithTestResource(ServicesResource.class)
class DevTokenRefusedInProdIT {

    @TestHTTPResource("/")
    URI base;

    @Test
    void devSignedTokensAreRefusedEverywhere() {
        for (String issuer : new String[] {"roomcast-dev", Tokens.ISSUER}) {
            String devToken = Tokens.signedWith(Tokens.DEV_PRIVATE_KEY, issuer, "intruder");
            assertEquals(401, WsClient.refusedStatus(base, null, Map.of("Authorization", "Bearer " + devToken)));
            try (WsClient client = WsClient.open(base)) {
                client.send(WsClient.frame("authenticate", null, Map.of("token", devToken)));
                assertEquals(4003, client.awaitClose());
            }
            given().auth()
                    .oauth2(devToken)
                    .contentType(ContentType.JSON)
                    .body(Map.of("type", "broadcast", "event", "x"))
                    .post("/api/emit")
                    .then()
                    .statusCode(401);
        }
    }
}
