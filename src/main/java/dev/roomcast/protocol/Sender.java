package dev.roomcast.protocol;

/** The client a relayed frame came from: the {@code from} object of PROTOCOL.md section 1. */
public record Sender(String userId, String clientId) {}
