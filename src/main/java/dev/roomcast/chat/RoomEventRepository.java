package dev.roomcast.chat;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.util.List;

/** The per-room event log: what recovery replays, within the configured retention. */
@ApplicationScoped
public class RoomEventRepository implements PanacheRepositoryBase<RoomEvent, RoomEvent.Key> {

    /** Events with {@code after < offset <= until}, in offset order. */
    public Uni<List<RoomEvent>> between(String room, long after, long until) {
        return list("room = ?1 and offset > ?2 and offset <= ?3 order by offset", room, after, until);
    }

    /** A page of events with {@code after < offset <= until}, in offset order. */
    public Uni<List<RoomEvent>> page(String room, long after, long until, int limit) {
        return find("room = ?1 and offset > ?2 and offset <= ?3 order by offset", room, after, until)
                .range(0, limit - 1)
                .list();
    }

    /** How many events with {@code after < offset <= until} the log holds that are not older than the cutoff. */
    public Uni<Long> countRetained(String room, long after, long until, OffsetDateTime cutoff) {
        return count("room = ?1 and offset > ?2 and offset <= ?3 and createdAt >= ?4", room, after, until, cutoff);
    }

    /** Rooms holding events older than the cutoff: the ones the age limit has work in. */
    public Uni<List<String>> roomsWithEventsBefore(OffsetDateTime cutoff) {
        return getSession()
                .flatMap(session -> session.createSelectionQuery(
                                "select distinct e.room from RoomEvent e where e.createdAt < :cutoff", String.class)
                        .setParameter("cutoff", cutoff)
                        .getResultList());
    }

    /** Drops the room's events older than the cutoff; the caller holds the room's lock. */
    public Uni<Long> pruneBefore(String room, OffsetDateTime cutoff) {
        return delete("room = ?1 and createdAt < ?2", room, cutoff);
    }

    /** Drops the room's events at or below the offset; the caller holds the room's lock. */
    public Uni<Long> pruneBeyond(String room, long lastDropped) {
        return delete("room = ?1 and offset <= ?2", room, lastDropped);
    }
}
