package dev.roomcast.chat;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

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
}
