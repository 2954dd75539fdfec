package dev.roomcast.chat;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;

/** A user's membership of a room, with the user's read position in it. */
@Entity
@Table(name = "room_members")
@IdClass(MemberKey.class)
public class RoomMember {

    @Id
    public String room;

    @Id
    @Column(name = "user_id")
    public String userId;

    @Column(name = "read_offset", nullable = false)
    public long readOffset;

    @Column(name = "joined_at", nullable = false)
    public OffsetDateTime joinedAt;
}
