package dev.roomcast.session;

import dev.roomcast.error.CloseCode;
import dev.roomcast.protocol.Envelope;
import dev.roomcast.protocol.ServerFrames;
import dev.roomcast.room.JoinPosition;
import dev.roomcast.room.RoomHistory;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import java.util.List;

/**
 * A recovery's replay (PROTOCOL.md 5.3): the events a joining client missed, after its ack and before anything newer.
 * They are read from the log a page at a time and written as the client reads them: a frame waits until it fits the
 * connection's slow-consumer budget, so a replay of a thousand long messages never sits in memory at once, and a client
 * that stops reading is closed (4008) once what its rooms keep for it meanwhile leaves no room. A log that no longer
 * holds a promised event (pruned during the replay) closes the connection with 4008 too: the client recovers again and is
 * told {@code recovered:false}.
 */
@ApplicationScoped
class Replay {

    /** Events read from the log per query. */
    static final int PAGE = 100;

    private static final Uni<Void> DONE = Uni.createFrom().voidItem();

    private final Instance<RoomHistory> history;
    private final ServerFrames frames;

    Replay(Instance<RoomHistory> history, ServerFrames frames) {
        this.history = history;
        this.frames = frames;
    }

    /** Writes the missed events of a recovered join; nothing for a join without recovery. Completes on the frame's loop. */
    Uni<Void> recover(Session session, String room, JoinPosition position, FrameLoop loop) {
        if (position == null || !position.recovered() || position.missed() == 0) {
            return DONE;
        }
        return pages(session, room, position.since(), position.lastOffset(), loop);
    }

    private Uni<Void> pages(Session session, String room, long after, long last, FrameLoop loop) {
        if (after >= last || !session.memberships().isIn(room) || session.isClosing()) {
            return DONE; // done, or the client left the room (or the connection) meanwhile
        }
        long until = Math.min(last, after + PAGE);
        return history.get().replay(room, after, until, PAGE).emitOn(loop).chain(events -> {
            if (events.size() != until - after) {
                session.close(CloseCode.SLOW_CONSUMER);
                return Uni.createFrom().failure(new IllegalStateException(room + ": the log lost part of a replay"));
            }
            return write(session, events, 0, loop).chain(() -> pages(session, room, until, last, loop));
        });
    }

    private Uni<Void> write(Session session, List<Envelope> events, int from, FrameLoop loop) {
        for (int i = from; i < events.size(); i++) {
            String frame = frames.delivery(events.get(i));
            if (!session.fits(frame.length())) {
                int next = i;
                return session.room(frame.length()).emitOn(loop).chain(() -> write(session, events, next, loop));
            }
            session.reply(frame);
        }
        return DONE;
    }
}
