package dev.roomcast.admin;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import dev.roomcast.testing.ServicesResource;
import dev.roomcast.testing.Tokens;
import dev.roomcast.testing.WsClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /api/nodes} on one pod (PROTOCOL.md section 12): this pod with its live figures (a session, its user, its
 * room), for admins only. Other pods of the same Redis (earlier test applications whose lease still lives) may be
 * listed too: this one is looked for by its id.
 */
@QuarkusTest
@WithTestResource(ServicesResource.class)
class NodeListingTests {

    @TestHTTPResource("/")
    URI base;

    @Test
    void thisPodIsListedWithItsFiguresForAdminsOnly() {
        try (WsClient client = WsClient.withBearer(base, Tokens.user("nl-ann"))) {
            client.join("live:nl-room");
            String pod = client.connectedFrame().path("data").path("pod").asText();
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                Map<String, Object> node = given().baseUri(base.toString())
                        .auth()
                        .oauth2(Tokens.admin("nl-ops"))
                        .get("/api/nodes")
                        .then()
                        .statusCode(200)
                        .extract()
                        .jsonPath()
                        .getMap("items.find { it.pod == '" + pod + "' }");
                return node != null
                        && (Integer) node.get("connections") >= 1
                        && (Integer) node.get("users") >= 1
                        && (Integer) node.get("rooms") >= 1
                        && Boolean.FALSE.equals(node.get("draining"))
                        && node.get("startedAt") != null;
            });
        }
        given().baseUri(base.toString())
                .auth()
                .oauth2(Tokens.user("nl-ann"))
                .get("/api/nodes")
                .then()
                .statusCode(403);
    }
}
