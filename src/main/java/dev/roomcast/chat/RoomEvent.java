package dev.roomcast.chat;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.OffsetDateTime;
import java.util.Objects;

/** One persisted room event as it was sent (name and data JSON): the source of recovery by offset. */
@Entity
@Table(name = "room_events")
@IdClass(RoomEvent.Key.class)
public class RoomEvent {

    @Id
    public String room;

    @Id
    @Column(name = "room_offset")
    public long offset;

    @Column(nullable = false)
    public String event;

    @Column(nullable = false, columnDefinition = "text")
    public String data;

    @Column(name = "created_at", nullable = false)
    public OffsetDateTime createdAt;

    public static class Key implements Serializable {
        public String room;
        public long offset;

        public Key() {}

        public Key(String room, long offset) {
            this.room = room;
            this.offset = offset;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Key key && room.equals(key.room) && offset == key.offset;
        }

        @Override
        public int hashCode() {
            return Objects.hash(room, offset);
        }
    }
}
