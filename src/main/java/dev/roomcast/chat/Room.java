package dev.roomcast.chat;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;

/** A {@code chat:} room. {@code lastOffset} is the offset of its newest persisted event (0 for none). */
@Entity
@Table(name = "rooms")
public class Room {

    @Id
    public String name;

    public String title;

    @Column(name = "owner_id", nullable = false)
    public String ownerId;

    @Column(nullable = false)
    public String epoch;

    @Column(name = "last_offset", nullable = false)
    public long lastOffset;

    @Column(name = "created_at", nullable = false)
    public OffsetDateTime createdAt;

    @Column(name = "updated_at", nullable = false)
    public OffsetDateTime updatedAt;

    /** Takes the room's next offset; the caller holds the room's row lock until its transaction ends. */
    long nextOffset() {
        return ++lastOffset;
    }
}
