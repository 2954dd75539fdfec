package dev.roomcast.session;

import com.fasterxml.jackson.databind.JsonNode;

import dev.roomcast.error.RoomcastException;

/** Typed reads of a frame's {@code data}, answering {@code BAD_REQUEST} with the field's path when the type is wrong. */
final class Fields {

    private Fields() {
    }

    static String requiredText(JsonNode data, String field) {
        JsonNode value = data == null ? null : data.get(field);
        if (value == null || !value.isTextual()) {
            throw RoomcastException.badRequest("data." + field + " must be a string");
        }
        return value.textValue();
    }

    static JsonNode requiredArray(JsonNode data, String field) {
        JsonNode value = data == null ? null : data.get(field);
        if (value == null || !value.isArray()) {
            throw RoomcastException.badRequest("data." + field + " must be an array");
        }
        return value;
    }
}
