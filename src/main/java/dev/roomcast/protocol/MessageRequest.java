package dev.roomcast.protocol;

import com.fasterxml.jackson.databind.JsonNode;

/** The data of an event about one message and nothing else ({@code message.delete}, {@code .pin}, {@code .unpin}). */
public record MessageRequest(long messageId) {

    public static MessageRequest from(JsonNode data) {
        return new MessageRequest(Fields.requiredId(data, "messageId"));
    }
}
