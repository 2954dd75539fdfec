package dev.roomcast.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import dev.roomcast.error.RoomcastException;

/** The data of {@code typing}: {@code {room, isTyping}}. */
public record TypingRequest(String room, boolean isTyping) {

    public static TypingRequest from(JsonNode data) {
        String room = Fields.requiredText(data, "room");
        JsonNode isTyping = data.get("isTyping");
        if (isTyping == null || !isTyping.isBoolean()) {
            throw RoomcastException.badRequest("data.isTyping must be a boolean");
        }
        return new TypingRequest(room, isTyping.booleanValue());
    }
}
