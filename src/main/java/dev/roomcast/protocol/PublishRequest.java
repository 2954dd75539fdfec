package dev.roomcast.protocol;

import com.fasterxml.jackson.databind.JsonNode;

/** The data of {@code publish}: {@code {room, event, data?}}; {@code data} is any JSON value, relayed as it is. */
public record PublishRequest(String room, String event, JsonNode data) {

    public static PublishRequest from(JsonNode data) {
        return new PublishRequest(
                Fields.requiredText(data, "room"), Fields.requiredText(data, "event"), data.get("data"));
    }
}
