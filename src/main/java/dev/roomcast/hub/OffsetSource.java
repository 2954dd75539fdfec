package dev.roomcast.hub;

import java.util.List;

import dev.roomcast.broker.Envelope;
import io.smallrye.mutiny.Uni;

/** Where the offset sequencer reads a room's history: implemented by the service that keeps the event log. */
public interface OffsetSource {

    /** The room's newest offset now (0 when it has no events or does not exist). */
    Uni<Long> lastOffset(String room);

    /** The logged events with {@code after < offset <= until}, in offset order (fewer when retention pruned some). */
    Uni<List<Envelope>> between(String room, long after, long until);
}
