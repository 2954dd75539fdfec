package dev.roomcast.chat;

import dev.roomcast.hub.StreamPosition;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Rooms. */
@ApplicationScoped
public class RoomRepository implements PanacheRepositoryBase<Room, String> {

    /**
     * Loads a room with its row locked until the transaction ends: every writer of the room's events queues here,
     * which is what makes offsets gapless and unique.
     */
    public Uni<Room> findForUpdate(String name) {
        return findById(name, LockModeType.PESSIMISTIC_WRITE);
    }

    /**
     * Rooms the user owns, counted under a transaction-scoped lock of the owner's own, so that two creations by one user
     * at once are counted one after the other.
     */
    public Uni<Long> countOwnedLocked(String owner) {
        return getSession()
                .flatMap(session -> session.createNativeQuery(
                                "select count(*) from rooms, (select pg_advisory_xact_lock(hashtext(:owner))) locked "
                                        + "where owner_id = :owner",
                                Long.class)
                        .setParameter("owner", owner)
                        .getSingleResult());
    }

    /** Epoch and last offset of each of these rooms that exists. */
    public Uni<Map<String, StreamPosition>> positions(List<String> names) {
        return getSession()
                .flatMap(session -> session.createSelectionQuery(
                                "select r.name, r.epoch, r.lastOffset from Room r where r.name in :names",
                                Object[].class)
                        .setParameter("names", names)
                        .getResultList())
                .map(rows -> {
                    Map<String, StreamPosition> positions = new HashMap<>(rows.size() * 2);
                    for (Object[] row : rows) {
                        positions.put((String) row[0], new StreamPosition((String) row[1], (Long) row[2]));
                    }
                    return positions;
                });
    }
}
