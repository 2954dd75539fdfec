package dev.roomcast.presence;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.roomcast.testing.ChatFixtures;
import dev.roomcast.testing.Ids;
import dev.roomcast.testing.ProtocolClient;
import dev.roomcast.testing.Tokens;
import dev.roomcast.testing.Transport;
import io.quarkus.test.common.http.TestHTTPResource;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What every {@link Presence} guarantees (PROTOCOL.md section 4), through real WebSocket clients: per user, not per
 * tab; {@code presence.join} on a user's first client in a room (its own clients included), {@code presence.leave}
 * when the last one leaves, disconnects or is kicked; {@code presence.get} and the HTTP views count clients. Absence
 * of an announcement is proven by a marker announcement that comes after it. One subclass per backend.
 */
abstract class PresenceContractTests {

    @TestHTTPResource("/")
    URI base;

    private static JsonNode awaitPresence(ProtocolClient client, String event, String room, String userId) {
        return client.awaitFrame(
                frame -> event.equals(frame.path("event").asText())
                        && room.equals(frame.path("room").asText())
                        && userId.equals(frame.path("data").path("userId").asText()),
                event + " of " + userId + " in " + room);
    }

    private static boolean isPresenceOf(JsonNode frame, String userId) {
        return frame.path("event").asText().startsWith("presence.")
                && userId.equals(frame.path("data").path("userId").asText());
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void aUsersFirstClientIsAnnouncedOnceAndItsLastDepartureOnce(Transport transport) {
        String room = "live:" + Ids.unique("presence");
        String ann = Ids.unique("ann");
        String ben = Ids.unique("ben");
        String marker = Ids.unique("marker");
        try (ProtocolClient watcher = transport.connect(base, Tokens.user(ben))) {
            watcher.join(room);
            awaitPresence(watcher, "presence.join", room, ben);
            try (ProtocolClient tab1 = transport.connect(base, Tokens.user(ann))) {
                tab1.join(room);
                awaitPresence(watcher, "presence.join", room, ann);
                awaitPresence(tab1, "presence.join", room, ann); // one's own clients hear it too
                try (ProtocolClient tab2 = transport.connect(base, Tokens.user(ann))) {
                    tab2.join(room);
                    JsonNode present =
                            tab2.request("presence.get", Map.of("room", room)).path("data");
                    assertEquals(room, present.path("room").asText());
                    JsonNode annEntry = entryOf(present, ann);
                    assertEquals(2, annEntry.path("clients").asLong(), present.toString());
                    assertTrue(Instant.parse(annEntry.path("since").asText())
                            .isBefore(Instant.now().plusSeconds(1)));
                    assertEquals(1, entryOf(present, ben).path("clients").asLong());
                    tab2.request("leave", Map.of("rooms", List.of(room)));
                }
                // A second tab's arrival and departure are not announced: the marker user's join comes first.
                try (ProtocolClient markerClient = transport.connect(base, Tokens.user(marker))) {
                    markerClient.join(room);
                    JsonNode next = watcher.awaitFrame(
                            frame -> isPresenceOf(frame, ann) || isPresenceOf(frame, marker),
                            "the next presence event");
                    assertEquals(marker, next.path("data").path("userId").asText(), next.toString());
                }
                awaitPresence(watcher, "presence.leave", room, marker); // by disconnect
            }
            JsonNode left = awaitPresence(watcher, "presence.leave", room, ann);
            assertEquals(room, left.path("room").asText());
            JsonNode after = watcher.request("presence.get", Map.of("room", room))
                    .path("data")
                    .path("users");
            assertEquals(1, after.size(), after.toString());
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void aKickedMemberLeavesPresence(Transport transport) {
        String owner = Ids.unique("owner");
        String guest = Ids.unique("guest");
        String room = ChatFixtures.room(base, owner, "presence", guest);
        try (ProtocolClient ownerClient = transport.connect(base, Tokens.user(owner));
                ProtocolClient guestClient = transport.connect(base, Tokens.user(guest))) {
            ownerClient.join(room);
            guestClient.join(room);
            awaitPresence(ownerClient, "presence.join", room, guest);
            given().auth()
                    .oauth2(Tokens.user(owner))
                    .delete("/api/rooms/" + room + "/members/" + guest)
                    .then()
                    .statusCode(204);
            awaitPresence(ownerClient, "presence.leave", room, guest);
            given().auth()
                    .oauth2(Tokens.user(owner))
                    .get("/api/rooms/" + room + "/presence")
                    .then()
                    .statusCode(200)
                    .body("room", equalTo(room))
                    .body("users.size()", equalTo(1))
                    .body("users[0].userId", equalTo(owner))
                    .body("users[0].clients", equalTo(1));
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void userPresenceCountsClientsAndRemembersWhenTheLastDisconnected(Transport transport) {
        String user = Ids.unique("seen");
        given().auth()
                .oauth2(Tokens.user("asker"))
                .get("/api/users/" + user + "/presence")
                .then()
                .statusCode(200)
                .body("userId", equalTo(user))
                .body("online", equalTo(false))
                .body("clients", equalTo(0))
                .body("lastSeen", nullValue());
        try (ProtocolClient one = transport.connect(base, Tokens.user(user));
                ProtocolClient two = transport.connect(base, Tokens.user(user))) {
            awaitUser(user, "clients", 2);
            given().auth()
                    .oauth2(Tokens.user("asker"))
                    .get("/api/users/" + user + "/presence")
                    .then()
                    .body("online", equalTo(true))
                    .body("lastSeen", nullValue());
        }
        awaitUser(user, "clients", 0);
        given().auth()
                .oauth2(Tokens.user("asker"))
                .get("/api/users/" + user + "/presence")
                .then()
                .body("online", equalTo(false))
                .body("lastSeen", notNullValue());
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void presenceIsForJoinedRoomsOfPresenceNamespacesAndRoomsOneMayJoin(Transport transport) {
        String owner = Ids.unique("owner");
        String room = ChatFixtures.room(base, owner, "private");
        try (ProtocolClient client = transport.connect(base, Tokens.user(Ids.unique("outsider")))) {
            assertEquals(
                    "FORBIDDEN",
                    client.request("presence.get", Map.of("room", "live:" + Ids.unique("not-joined")))
                            .path("data")
                            .path("code")
                            .asText());
            assertEquals(
                    "FORBIDDEN",
                    client.request("presence.get", Map.of("room", "client:" + client.clientId()))
                            .path("data")
                            .path("code")
                            .asText());
            assertEquals(
                    "NOT_FOUND",
                    client.request("presence.get", Map.of("room", "chat:" + Ids.unique("missing")))
                            .path("data")
                            .path("code")
                            .asText());
            assertEquals(
                    "BAD_REQUEST",
                    client.request("presence.get", Map.of("room", "no room"))
                            .path("data")
                            .path("code")
                            .asText());
        }
        given().auth()
                .oauth2(Tokens.user(Ids.unique("outsider")))
                .get("/api/rooms/" + room + "/presence")
                .then()
                .statusCode(403);
        given().auth()
                .oauth2(Tokens.admin(Ids.unique("moderator")))
                .get("/api/rooms/" + room + "/presence")
                .then()
                .statusCode(200);
        given().auth()
                .oauth2(Tokens.user(owner))
                .get("/api/rooms/chat:" + Ids.unique("missing") + "/presence")
                .then()
                .statusCode(404);
        given().get("/api/users/anyone/presence").then().statusCode(401);
    }

    private static JsonNode entryOf(JsonNode present, String userId) {
        for (JsonNode user : present.path("users")) {
            if (userId.equals(user.path("userId").asText())) {
                return user;
            }
        }
        throw new AssertionError(userId + " not present in " + present);
    }

    private static void awaitUser(String user, String field, int expected) {
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(() -> given().auth()
                        .oauth2(Tokens.user("asker"))
                        .get("/api/users/" + user + "/presence")
                        .then()
                        .statusCode(200)
                        .extract()
                        .path(field)
                        .equals(expected));
    }
}
