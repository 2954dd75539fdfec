package dev.roomcast.protocol;

/**
 * An administrative disconnect (PROTOCOL.md section 12) for the pods that hold the sessions: every session of a user
 * (on the user's channel, which exactly the pods holding one subscribe to) or one client's (on its client channel).
 * Signed by the pod that took the request; unsigned, it is dropped.
 *
 * @param userId the user whose sessions end, or null
 * @param clientId the one session that ends, or null; exactly one of the two is set
 * @param reason the close frame's reason
 */
public record Disconnect(String serverId, String userId, String clientId, String reason) implements PodMessage {

    /** The body's {@code type}. */
    public static final String TYPE = "disconnect";

    public Disconnect {
        if ((userId == null) == (clientId == null)) {
            throw new IllegalArgumentException("a disconnect names a user or a client");
        }
    }

    @Override
    public String channel() {
        return userId != null ? Channels.user(userId) : Channels.client(clientId);
    }
}
