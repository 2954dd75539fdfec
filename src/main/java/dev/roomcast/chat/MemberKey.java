package dev.roomcast.chat;

import java.io.Serializable;
import java.util.Objects;

/** Primary key of per-room, per-user rows: members and bans. */
public class MemberKey implements Serializable {

    public String room;
    public String userId;

    public MemberKey() {}

    public MemberKey(String room, String userId) {
        this.room = room;
        this.userId = userId;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof MemberKey key && room.equals(key.room) && userId.equals(key.userId);
    }

    @Override
    public int hashCode() {
        return Objects.hash(room, userId);
    }
}
