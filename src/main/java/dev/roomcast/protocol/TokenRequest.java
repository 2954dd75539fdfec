package dev.roomcast.protocol;

import com.fasterxml.jackson.databind.JsonNode;

/** The data of {@code authenticate} and {@code refresh}: {@code {token}}. */
public record TokenRequest(String token) {

    public static TokenRequest from(JsonNode data) {
        return new TokenRequest(Fields.requiredText(data, "token"));
    }
}
