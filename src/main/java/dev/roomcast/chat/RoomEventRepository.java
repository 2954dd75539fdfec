package dev.roomcast.chat;

import java.time.OffsetDateTime;
import java.util.List;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/** The per-room event log: what recovery replays, within the configured retention. */
@ApplicationScoped
public class RoomEventRepository implements PanacheRepositoryBase<RoomEvent, RoomEvent.Key> {

    /** Events with {@code after < offset <= until}, in offset order. */
    public Uni<List<RoomEvent>> between(String room, long after, long until) {
        return list("room = ?1 and offset > ?2 and offset <= ?3 order by offset", room, after, until);
    }

    /** The oldest offset of the room still within retention (not older than the cutoff), or null when none is. */
    public Uni<Long> oldestOffset(String room, OffsetDateTime cutoff) {
        return getSession().flatMap(session -> session
                .createSelectionQuery("select min(e.offset) from RoomEvent e where e.room = :room and e.createdAt >= :cutoff",
                        Long.class)
                .setParameter("room", room).setParameter("cutoff", cutoff).getSingleResultOrNull());
    }

    /** Drops every room's events older than the cutoff: quiet rooms age out too. */
    public Uni<Long> pruneOlderThan(OffsetDateTime cutoff) {
        return delete("createdAt < ?1", cutoff);
    }

    /** Drops what retention no longer keeps: beyond the newest {@code maxEvents} of the room, or older than the cutoff. */
    public Uni<Long> prune(String room, long lastOffset, long maxEvents, OffsetDateTime cutoff) {
        return delete("room = ?1 and (offset <= ?2 or createdAt < ?3)", room, lastOffset - maxEvents, cutoff);
    }
}
