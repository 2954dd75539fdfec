package dev.roomcast.chat;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;

/** A user banned from a room: not a member, and cannot join or be added until unbanned. */
@Entity
@Table(name = "room_bans")
@IdClass(MemberKey.class)
public class RoomBan {

    @Id
    public String room;

    @Id
    @Column(name = "user_id")
    public String userId;

    @Column(name = "banned_by", nullable = false)
    public String bannedBy;

    @Column(name = "banned_at", nullable = false)
    public OffsetDateTime bannedAt;
}
