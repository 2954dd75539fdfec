package dev.roomcast.protocol;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The data of {@code authenticate} and {@code refresh}: {@code {token}}, and for {@code authenticate} the client's
 * {@code publicKey} when it asks for encryption (PROTOCOL.md section 10; null when absent).
 */
public record TokenRequest(String token, String publicKey) {

    public static TokenRequest from(JsonNode data) {
        JsonNode publicKey = data == null ? null : data.get("publicKey");
        return new TokenRequest(
                Fields.requiredText(data, "token"),
                publicKey == null || publicKey.isNull() ? null : publicKey.isTextual() ? publicKey.asText() : "");
    }
}
