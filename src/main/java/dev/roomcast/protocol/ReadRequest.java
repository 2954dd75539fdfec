package dev.roomcast.protocol;

import com.fasterxml.jackson.databind.JsonNode;

/** The data of {@code read}: {@code {room, offset}}. */
public record ReadRequest(String room, long offset) {

    public static ReadRequest from(JsonNode data) {
        return new ReadRequest(Fields.requiredText(data, "room"), Fields.requiredId(data, "offset"));
    }
}
