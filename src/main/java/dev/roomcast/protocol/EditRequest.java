package dev.roomcast.protocol;

import com.fasterxml.jackson.databind.JsonNode;

/** The data of {@code message.edit}: {@code {messageId, text}}. */
public record EditRequest(long messageId, String text) {

    public static EditRequest from(JsonNode data) {
        return new EditRequest(Fields.requiredId(data, "messageId"), Fields.requiredText(data, "text"));
    }
}
