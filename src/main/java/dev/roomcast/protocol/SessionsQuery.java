package dev.roomcast.protocol;

/**
 * A pod asks the pods that hold sessions of a user (exactly those subscribed to the user's channel) to report them;
 * each answers with a {@link SessionsReply} on the asking pod's client channels. Signed; unsigned, it is dropped.
 *
 * @param queryId the asking pod's number for the query, echoed in the replies
 */
public record SessionsQuery(String serverId, String userId, long queryId) implements PodMessage {

    public static final String TYPE = "sessions.query";

    @Override
    public String channel() {
        return Channels.user(userId);
    }
}
