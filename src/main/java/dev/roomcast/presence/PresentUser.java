package dev.roomcast.presence;

/** A user present in a room: with how many clients, across all pods, and since when (ISO-8601). */
public record PresentUser(String userId, long clients, String since) {
}
