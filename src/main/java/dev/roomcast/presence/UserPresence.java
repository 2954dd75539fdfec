package dev.roomcast.presence;

/**
 * A user's presence: connected clients across all pods, and when the last of them disconnected (ISO-8601, null if that
 * never happened).
 */
public record UserPresence(String userId, long clients, String lastSeen) {

    public boolean online() {
        return clients > 0;
    }
}
