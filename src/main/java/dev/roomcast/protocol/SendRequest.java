package dev.roomcast.protocol;

import com.fasterxml.jackson.databind.JsonNode;

/** The data of {@code message.send}: {@code {room, text, clientMsgId, threadId?}}. */
public record SendRequest(String room, String text, String clientMsgId, Long threadId) {

    public static SendRequest from(JsonNode data) {
        return new SendRequest(
                Fields.requiredText(data, "room"),
                Fields.requiredText(data, "text"),
                Fields.requiredText(data, "clientMsgId"),
                Fields.optionalId(data, "threadId"));
    }
}
