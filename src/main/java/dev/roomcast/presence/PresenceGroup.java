package dev.roomcast.presence;

import dev.roomcast.protocol.Channels;
import java.util.List;

/**
 * What one presence script changes at once: a room ({@code r|room}) or a user ({@code u|user}), each on one hash slot.
 * A pod lists the groups it has counts in, by these names, in its index ({@link Channels#presenceIndex}), so that
 * whoever retires it knows where its shares are.
 */
record PresenceGroup(boolean room, String name) {

    private static final String ROOM = "r|";
    private static final String USER = "u|";

    static PresenceGroup room(String room) {
        return new PresenceGroup(true, room);
    }

    static PresenceGroup user(String userId) {
        return new PresenceGroup(false, userId);
    }

    /** A name from a pod's index; null for one this version does not know. */
    static PresenceGroup parse(String field) {
        if (field.startsWith(ROOM)) {
            return room(field.substring(ROOM.length()));
        }
        if (field.startsWith(USER)) {
            return user(field.substring(USER.length()));
        }
        return null;
    }

    /** Its field in a pod's index. */
    String field() {
        return (room ? ROOM : USER) + name;
    }

    /** A room's keys, with one pod's share: totals, since, share. */
    List<String> roomKeys(String serverId) {
        return List.of(
                Channels.presenceRoom(name), Channels.presenceSince(name), Channels.presenceShare(name, serverId));
    }

    List<String> userKeys() {
        return List.of(Channels.presenceUser(name));
    }
}
