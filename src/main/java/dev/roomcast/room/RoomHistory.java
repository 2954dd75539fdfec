package dev.roomcast.room;

import io.smallrye.mutiny.Uni;

/**
 * Where a joining client stands in a room with persisted history (namespaces with {@code history=true}), and the
 * events it missed since its {@code since}: implemented by the service that keeps the event log.
 */
public interface RoomHistory {

    /** @param since null for a join without recovery */
    Uni<JoinPosition> position(RoomName room, Since since);
}
