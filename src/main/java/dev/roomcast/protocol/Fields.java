package dev.roomcast.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import dev.roomcast.error.RoomcastException;

/** Typed reads of a frame's {@code data}, answering {@code BAD_REQUEST} with the field's path when the type is wrong. */
final class Fields {

    private Fields() {}

    static String requiredText(JsonNode data, String field) {
        JsonNode value = data == null ? null : data.get(field);
        if (value == null || !value.isTextual()) {
            throw RoomcastException.badRequest("data." + field + " must be a string");
        }
        return value.textValue();
    }

    /** An id or offset: a non-negative integer, or a string of digits (ids may travel as strings). */
    static long requiredId(JsonNode data, String field) {
        Long id = optionalId(data, field);
        if (id == null) {
            throw RoomcastException.badRequest("data." + field + " is required");
        }
        return id;
    }

    static Long optionalId(JsonNode data, String field) {
        JsonNode value = data == null ? null : data.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (value.isIntegralNumber() && value.canConvertToLong() && value.asLong() >= 0) {
            return value.asLong();
        }
        if (value.isTextual() && value.textValue().matches("[0-9]{1,18}")) {
            return Long.parseLong(value.textValue());
        }
        throw RoomcastException.badRequest("data." + field + " must be a non-negative integer");
    }

    static JsonNode requiredArray(JsonNode data, String field) {
        JsonNode value = data == null ? null : data.get(field);
        if (value == null || !value.isArray()) {
            throw RoomcastException.badRequest("data." + field + " must be an array");
        }
        return value;
    }
}
