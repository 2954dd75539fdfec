package dev.roomcast.hub;

import dev.roomcast.protocol.Envelope;
import io.smallrye.mutiny.Uni;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/** Where the offset sequencer reads a room's history: implemented by the service that keeps the event log. */
public interface OffsetSource {

    /** Where each of these rooms stands now; a room that does not exist is absent from the map. */
    Uni<Map<String, StreamPosition>> positions(Collection<String> rooms);

    /**
     * The logged events with {@code after < offset <= until}, in offset order (fewer when retention pruned some), and
     * where the room stands now (null when it does not exist).
     */
    Uni<LogSlice> between(String room, long after, long until);

    /** What a gap fill read: the events found, and the room's position at the time. */
    record LogSlice(List<Envelope> events, StreamPosition now) {}
}
