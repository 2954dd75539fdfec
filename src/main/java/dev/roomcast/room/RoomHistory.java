package dev.roomcast.room;

import dev.roomcast.protocol.Envelope;
import dev.roomcast.protocol.Since;
import io.smallrye.mutiny.Uni;
import java.util.List;

/**
 * Where a joining client stands in a room with persisted history (namespaces with {@code history=true}), and the
 * events it missed since its {@code since}: implemented by the service that keeps the event log.
 */
public interface RoomHistory {

    /**
     * Read once the connection is a pending member of the room, so it checks again that the user may be there: a
     * kick or ban between the first check and now would otherwise be missed.
     *
     * @param since null for a join without recovery
     */
    Uni<JoinPosition> position(RoomName room, Since since, String userId, boolean admin);

    /**
     * Up to {@code limit} logged events of the room with {@code after < offset <= until}, in offset order: a page of a
     * recovery's replay. Fewer than asked when the log no longer holds them.
     */
    Uni<List<Envelope>> replay(String room, long after, long until, int limit);
}
