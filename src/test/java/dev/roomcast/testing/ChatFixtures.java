package dev.roomcast.testing;

import static io.restassured.RestAssured.given;

import com.fasterxml.jackson.databind.JsonNode;
import io.restassured.http.ContentType;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;

/** Rooms and members set up over the REST API, as a client would, for tests of chat behaviour. */
public final class ChatFixtures {

    private ChatFixtures() {}

    /** A fresh {@code chat:} room name, so that tests sharing a database never collide. */
    public static String newRoomName(String hint) {
        return "chat:" + Ids.unique(hint);
    }

    /** Creates the room as its owner and adds the members. */
    public static String room(URI base, String owner, String hint, String... members) {
        String room = newRoomName(hint);
        given().baseUri(base.toString())
                .auth()
                .oauth2(Tokens.user(owner))
                .contentType(ContentType.JSON)
                .body(Map.of("room", room, "title", hint))
                .post("/api/rooms")
                .then()
                .statusCode(201);
        for (String member : members) {
            addMember(base, owner, room, member);
        }
        return room;
    }

    /** Adds a member to the room, as its owner. */
    public static void addMember(URI base, String owner, String room, String member) {
        given().baseUri(base.toString())
                .auth()
                .oauth2(Tokens.user(owner))
                .put("/api/rooms/" + room + "/members/" + member)
                .then()
                .statusCode(204);
    }

    /** Sends over WebSocket and returns the ack's message. */
    public static JsonNode send(ProtocolClient client, String room, String text) {
        JsonNode ack = client.request(
                "message.send",
                Map.of(
                        "room",
                        room,
                        "text",
                        text,
                        "clientMsgId",
                        UUID.randomUUID().toString()));
        if (!"ack".equals(ack.path("event").asText())) {
            throw new AssertionError("message.send refused: " + ack);
        }
        return ack.path("data").path("message");
    }

    /** Joins the room with {@code since} and returns the room's result from the ack. */
    public static JsonNode joinSince(ProtocolClient client, String room, long offset, String epoch) {
        return client.request(
                        "join",
                        Map.of("rooms", List.of(room), "since", Map.of(room, Map.of("offset", offset, "epoch", epoch))))
                .path("data")
                .path("rooms")
                .get(0);
    }

    /** Joins as the user, sends {@code count} messages on one connection, and returns the room's epoch. */
    public static String sendMessages(URI base, String userId, String room, int count) {
        try (WsClient client = WsClient.withBearer(base, Tokens.user(userId))) {
            String epoch = client.join(room)
                    .path("data")
                    .path("rooms")
                    .get(0)
                    .path("epoch")
                    .asText();
            for (int i = 0; i < count; i++) {
                send(client, room, "m" + i);
            }
            return epoch;
        }
    }

    /** The longest message text allowed, 16 KB in UTF-8: a few hundred fill a socket's buffers. */
    public static final String LONGEST_TEXT = "\uD83D\uDE00".repeat(4000);

    /**
     * Posts the longest messages over REST, twenty at a time in parallel, until {@code enough} says so or {@code max}
     * are sent; before each batch runs {@code beforeBatch}. Returns how many were sent.
     */
    public static int postUntil(
            URI base, String author, String room, int max, BooleanSupplier enough, Runnable beforeBatch) {
        int sent = 0;
        while (sent < max && !enough.getAsBoolean()) {
            beforeBatch.run();
            int from = sent;
            IntStream.range(from, from + 20)
                    .parallel()
                    .forEach(n -> given().baseUri(base.toString())
                            .auth()
                            .oauth2(Tokens.user(author))
                            .contentType(ContentType.JSON)
                            .body(Map.of("text", LONGEST_TEXT, "clientMsgId", room + "-" + n))
                            .post("/api/rooms/" + room + "/messages")
                            .then()
                            .statusCode(201));
            sent += 20;
        }
        return sent;
    }
}
