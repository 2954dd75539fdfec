package dev.roomcast.protocol;

import com.fasterxml.jackson.databind.JsonNode;

/** The data of an event about one room and nothing else ({@code presence.get}): {@code {room}}. */
public record RoomRequest(String room) {

    public static RoomRequest from(JsonNode data) {
        return new RoomRequest(Fields.requiredText(data, "room"));
    }
}
