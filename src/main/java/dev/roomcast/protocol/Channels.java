package dev.roomcast.protocol;

/**
 * Redis channel names of PROTOCOL.md section 7, and the keys of Redis presence, built in this one place.
 * <p>
 * Client channels are not subscribed one by one: a client id is {@code {serverId}.{sequence}}, so each pod
 * holds a single pattern subscription {@code ws:client:{serverId}.*} that matches exactly its own clients.
 * Connections come and go without any Redis command, and no pod receives another pod's client traffic.
 */
public final class Channels {

    public static final String BROADCAST = "ws:broadcast";

    public static final String ROOM_PREFIX = "ws:room:";
    private static final String USER_PREFIX = "ws:user:";
    private static final String CLIENT_PREFIX = "ws:client:";

    /** Presence keys: pods' leases (a sorted set by deadline), each pod's own counts, and the cluster's totals. */
    public static final String PRESENCE_PODS = "presence:pods";

    public static final String PRESENCE_POD_PREFIX = "presence:pod:";
    public static final String PRESENCE_ROOM_PREFIX = "presence:room:";
    public static final String PRESENCE_SINCE_PREFIX = "presence:since:";
    public static final String PRESENCE_USERS = "presence:users";
    public static final String PRESENCE_SEEN = "presence:seen";

    /** Each pod's SSE sessions, client id to user id: read by pods that receive a POST for a session they do not hold. */
    private static final String STREAMS_PREFIX = "sse:pod:";

    private Channels() {}

    public static String room(String room) {
        return ROOM_PREFIX + room;
    }

    public static String user(String userId) {
        return USER_PREFIX + userId;
    }

    public static String client(String clientId) {
        return CLIENT_PREFIX + clientId;
    }

    /** The one pattern through which a pod receives messages for all of its clients. */
    public static String clientPattern(String serverId) {
        return CLIENT_PREFIX + serverId + ".*";
    }

    /** The hash of the SSE sessions held by the pod whose client ids start with this server id. */
    public static String streams(String serverId) {
        return STREAMS_PREFIX + serverId;
    }

    /**
     * Room and user channels: shard channels with a Redis Cluster ({@code SSUBSCRIBE}/{@code SPUBLISH}), each living on
     * the master of its slot. Client and broadcast channels stay classic: one pattern and one channel per pod, heard
     * on any node.
     */
    public static boolean isSharded(String channel) {
        return channel.startsWith(ROOM_PREFIX) || channel.startsWith(USER_PREFIX);
    }

    public static String of(DeliveryType type, String target) {
        return switch (type) {
            case ROOM -> room(target);
            case USER -> user(target);
            case CLIENT -> client(target);
            case BROADCAST -> BROADCAST;
        };
    }
}
