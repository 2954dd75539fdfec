package dev.roomcast.chat;

import java.util.Set;

/**
 * Who acts: the user, whether an admin, and for WebSocket events the rooms the connection has joined (room-scoped
 * events need the room joined, admins too); {@code null} over HTTP, where membership alone counts.
 */
public record Actor(String userId, boolean admin, Set<String> joinedRooms) {

    public static Actor overHttp(String userId, boolean admin) {
        return new Actor(userId, admin, null);
    }

    boolean hasJoined(String room) {
        return joinedRooms == null || joinedRooms.contains(room);
    }
}
