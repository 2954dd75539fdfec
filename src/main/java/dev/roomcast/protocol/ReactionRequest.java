package dev.roomcast.protocol;

import com.fasterxml.jackson.databind.JsonNode;

/** The data of {@code reaction.add} and {@code reaction.remove}: {@code {messageId, emoji}}. */
public record ReactionRequest(long messageId, String emoji) {

    public static ReactionRequest from(JsonNode data) {
        return new ReactionRequest(Fields.requiredId(data, "messageId"), Fields.requiredText(data, "emoji"));
    }
}
