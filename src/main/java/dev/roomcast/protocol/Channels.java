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

    /**
     * Presence keys, grouped by hash tag so that each presence script touches one slot of a Redis Cluster: the pods'
     * leases and the retirements under way share the tag {@code presence}; each room's keys take the room's channel
     * as tag, so a script that changes them can also publish the room's announcement to that shard channel; each
     * user's counts live in one hash of their own; each pod's index of the rooms and users it has counts in, in its
     * own slot.
     */
    public static final String PRESENCE_PODS = "{presence}:pods";

    public static final String PRESENCE_RETIRING = "{presence}:retiring";

    /** Each pod's figures for the nodes listing, by server id: counted while the pod's lease in PRESENCE_PODS lives. */
    public static final String PRESENCE_NODES = "{presence}:nodes";

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

    /** A pod's index: the rooms ({@code r|room}) and users ({@code u|user}) it has presence counts in. */
    public static String presenceIndex(String serverId) {
        return "presence:pod:{" + serverId + "}";
    }

    /** A room's clients per user, across the cluster. */
    public static String presenceRoom(String room) {
        return "presence:room:{" + room(room) + "}";
    }

    /** Since when each user present in a room is. */
    public static String presenceSince(String room) {
        return "presence:since:{" + room(room) + "}";
    }

    /** One pod's clients per user in a room: its share of the room's totals, taken back whole if the pod dies. */
    public static String presenceShare(String room, String serverId) {
        return "presence:share:{" + room(room) + "}:" + serverId;
    }

    /** A user's clients ({@code clients}, and {@code pod:serverId} per pod) and when the last one left ({@code seen}). */
    public static String presenceUser(String userId) {
        return "presence:user:{" + hashTagSafe(userId) + "}";
    }

    /** A user id may hold braces, which would end a hash tag early: they (and the escape character) are escaped. */
    private static String hashTagSafe(String value) {
        if (value.indexOf('{') < 0 && value.indexOf('}') < 0 && value.indexOf('%') < 0) {
            return value;
        }
        return value.replace("%", "%25").replace("{", "%7B").replace("}", "%7D");
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
