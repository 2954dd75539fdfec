package dev.roomcast.protocol;

import java.util.List;

/**
 * One pod's sessions of a user, for the pod that asked ({@link SessionsQuery}): on a client channel of the asking pod,
 * which its pattern subscription hears. Signed; unsigned, it is dropped.
 *
 * @param askedBy the asking pod's server id
 */
public record SessionsReply(String serverId, String askedBy, long queryId, List<SessionInfo> items)
        implements PodMessage {

    public static final String TYPE = "sessions.reply";

    /** Bounded by the per-user connection limit of the pod that answers; more is refused as malformed. */
    public static final int MAX_ITEMS = 10_000;

    public SessionsReply {
        items = List.copyOf(items);
    }

    @Override
    public String channel() {
        return Channels.client(askedBy + ".sessions");
    }
}
