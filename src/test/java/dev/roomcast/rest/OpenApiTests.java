package dev.roomcast.rest;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.roomcast.testing.ServicesResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The OpenAPI document describes real bodies: every success that has a body names a schema with the protocol's
 * fields, and every error response has the Problem body.
 */
@QuarkusTest
@WithTestResource(ServicesResource.class)
class OpenApiTests {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void everyErrorResponseHasTheProblemBody() throws Exception {
        JsonNode document = document();
        List<String> missing = new ArrayList<>();
        int errors = 0;
        for (Map.Entry<String, JsonNode> path : document.path("paths").properties()) {
            for (Map.Entry<String, JsonNode> operation : path.getValue().properties()) {
                for (Map.Entry<String, JsonNode> response :
                        operation.getValue().path("responses").properties()) {
                    if (response.getKey().startsWith("4") || response.getKey().startsWith("5")) {
                        errors++;
                        String ref = response.getValue()
                                .path("content")
                                .path("application/json")
                                .path("schema")
                                .path("$ref")
                                .asText();
                        if (!ref.equals("#/components/schemas/Problem")) {
                            missing.add(operation.getKey() + " " + path.getKey() + " " + response.getKey());
                        }
                    }
                }
            }
        }
        assertTrue(errors > 20, "the API declares its errors: " + errors);
        assertEquals(List.of(), missing);
        assertEquals(Set.of("code", "message"), properties(document, "Problem"));
    }

    @Test
    void successBodiesNameTheirSchemas() throws Exception {
        JsonNode document = document();
        assertEquals("#/components/schemas/RoomList", success(document, "/api/rooms", "get", "200"));
        assertEquals("#/components/schemas/Room", success(document, "/api/rooms", "post", "201"));
        assertEquals("#/components/schemas/Room", success(document, "/api/rooms/{room}", "get", "200"));
        assertEquals("#/components/schemas/Room", success(document, "/api/rooms/{room}", "patch", "200"));
        assertEquals("#/components/schemas/MessagePage", success(document, "/api/rooms/{room}/messages", "get", "200"));
        assertEquals(
                "#/components/schemas/MessageReply", success(document, "/api/rooms/{room}/messages", "post", "201"));
        assertEquals(
                "#/components/schemas/MessagePage",
                success(document, "/api/rooms/{room}/messages/{id}/thread", "get", "200"));
        assertEquals("#/components/schemas/NotificationList", success(document, "/api/notifications", "get", "200"));
        assertEquals(
                "#/components/schemas/RoomPresence", success(document, "/api/rooms/{room}/presence", "get", "200"));
        assertEquals(
                "#/components/schemas/UserPresence", success(document, "/api/users/{userId}/presence", "get", "200"));
    }

    @Test
    void schemasCarryTheProtocolsFields() throws Exception {
        JsonNode document = document();
        assertEquals(
                Set.of(
                        "id",
                        "room",
                        "offset",
                        "userId",
                        "text",
                        "clientMsgId",
                        "threadId",
                        "createdAt",
                        "editedAt",
                        "deleted",
                        "pinned",
                        "reactions",
                        "replyCount"),
                properties(document, "Message"));
        assertEquals(Set.of("room", "title", "owner", "epoch", "lastOffset"), properties(document, "Room"));
        assertEquals(
                Set.of("room", "title", "owner", "epoch", "lastOffset", "unread"), properties(document, "RoomSummary"));
        assertEquals(Set.of("items", "hasMore"), properties(document, "MessagePage"));
        assertEquals(
                Set.of("id", "type", "room", "messageId", "from", "createdAt", "read"),
                properties(document, "Notification"));
        assertEquals(Set.of("userId", "online", "clients", "lastSeen"), properties(document, "UserPresence"));
    }

    private static String success(JsonNode document, String path, String method, String status) {
        JsonNode schema = document.path("paths")
                .path(path)
                .path(method)
                .path("responses")
                .path(status)
                .path("content")
                .path("application/json")
                .path("schema");
        return schema.path("$ref").asText(method + " " + path + " " + status + ": no schema reference, " + schema);
    }

    private static Set<String> properties(JsonNode document, String schema) {
        Set<String> names = new TreeSet<>();
        document.path("components")
                .path("schemas")
                .path(schema)
                .path("properties")
                .fieldNames()
                .forEachRemaining(names::add);
        return names;
    }

    private static JsonNode document() throws Exception {
        return JSON.readTree(given().queryParam("format", "json")
                .get("/q/openapi")
                .then()
                .statusCode(200)
                .extract()
                .asString());
    }
}
