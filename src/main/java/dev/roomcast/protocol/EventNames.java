package dev.roomcast.protocol;

import java.util.Set;

/** Event-name rules of PROTOCOL.md section 1: the allowed shape and the names nobody may emit. */
public final class EventNames {

    /** Names clients may not emit in {@code publish} and the emit API refuses. */
    public static final Set<String> RESERVED = Set.of(
            "connected",
            "ack",
            "error",
            "pong",
            "reconnect",
            "authenticate",
            "heartbeat",
            "ping",
            "join",
            "leave",
            "refresh",
            "encrypted",
            "close");

    /** A frame sealed under the connection's keys (PROTOCOL.md section 10), both ways. */
    public static final String ENCRYPTED = "encrypted";

    /** The last event of a deleted room: its recipients leave the room as they receive it. */
    public static final String ROOM_DELETED = "room.deleted";

    /** A user's first client joined a room (PROTOCOL.md section 4): announced by pods only. */
    public static final String PRESENCE_JOIN = "presence.join";
    /** A user's last client left a room: announced by pods only. */
    public static final String PRESENCE_LEAVE = "presence.leave";

    private static final int MAX_LENGTH = 64;

    private EventNames() {}

    /** {@code [A-Za-z][A-Za-z0-9_.:-]{0,63}}, checked without a regex: this runs for every frame. */
    public static boolean isWellFormed(String name) {
        int length = name.length();
        if (length == 0 || length > MAX_LENGTH || !isLetter(name.charAt(0))) {
            return false;
        }
        for (int i = 1; i < length; i++) {
            char c = name.charAt(i);
            if (!(isLetter(c) || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == ':' || c == '-')) {
                return false;
            }
        }
        return true;
    }

    /** Whether a server-side or relayed event may carry this name. */
    public static boolean isEmittable(String name) {
        return name != null && isWellFormed(name) && !RESERVED.contains(name);
    }

    /** Whether the event is a pod's presence notice, which a Redis body carries only when a pod signed it. */
    public static boolean isPresenceNotice(String name) {
        return PRESENCE_JOIN.equals(name) || PRESENCE_LEAVE.equals(name);
    }

    private static boolean isLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }
}
