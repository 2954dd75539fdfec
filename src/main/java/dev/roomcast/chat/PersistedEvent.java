package dev.roomcast.chat;

import dev.roomcast.protocol.EventNames;

/**
 * A room event stored with its offset, to be delivered once its transaction has committed. A {@code room.deleted}
 * event also makes its recipients leave the room.
 */
public record PersistedEvent(String room, long offset, String event, String data) {

    boolean removesMembers() {
        return EventNames.ROOM_DELETED.equals(event);
    }
}
