package dev.roomcast.protocol;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One decoded client frame. {@code kind} is null for a well-formed name that is not a client event;
 * {@code data} is null when the frame had none.
 */
public record ClientFrame(String event, ClientEvent kind, String id, JsonNode data, String traceId) {}
