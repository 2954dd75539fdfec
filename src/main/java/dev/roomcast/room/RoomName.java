package dev.roomcast.room;

/** A syntactically valid room name, {@code NAMESPACE:ID}. */
public record RoomName(String full, String namespace, String id) {

    @Override
    public String toString() {
        return full;
    }
}
