package dev.roomcast.chat;

/**
 * A room event stored with its offset, to be delivered once its transaction has committed. A {@code room.deleted}
 * event also makes its recipients leave the room.
 */
public record PersistedEvent(String room, long offset, String event, String data) {

    boolean removesMembers() {
        return "room.deleted".equals(event);
    }
}
