package dev.roomcast.transport;

import dev.roomcast.session.Session;
import dev.roomcast.session.Sessions;
import io.smallrye.common.vertx.VertxContext;
import io.vertx.core.Context;
import java.util.List;

/**
 * The frames POSTed for one SSE session (here or on another pod), handed to the session as a socket's frames are: run
 * one at a time in the order they were accepted. At most {@link #MAX_WAITING} frames wait; a POST beyond that is
 * refused whole (429), and forwarded frames beyond it are answered {@code RATE_LIMITED} without being run.
 */
final class SseInbox {

    static final int MAX_WAITING = Sessions.MAX_WAITING_FRAMES;

    private final Session session;
    /** The session's user, fixed for its life: read by POSTs on any thread. */
    private final String userId;

    private final Sessions sessions;
    /** The session's event loop. */
    private final Context loop;

    // Confined to the loop.
    private boolean ended;

    SseInbox(Session session, String userId, Sessions sessions, Context loop) {
        this.session = session;
        this.userId = userId;
        this.sessions = sessions;
        this.loop = VertxContext.getRootContext(loop);
    }

    String clientId() {
        return session.clientId();
    }

    String userId() {
        return userId;
    }

    /**
     * Takes the frames, to be run after every frame taken before them (callers take in the order frames must run);
     * from any thread.
     *
     * @return false, taking none, when they would be more than {@link #MAX_WAITING} waiting frames
     */
    boolean offer(List<String> frames) {
        if (!sessions.admit(session, frames.size())) {
            return false;
        }
        loop.runOnContext(ignored -> {
            for (String frame : frames) {
                sessions.receiveAdmitted(session, frame);
            }
        });
        return true;
    }

    /** Forwarded frames that find no room: each answered RATE_LIMITED on the stream. */
    void refuse(List<String> frames) {
        loop.runOnContext(ignored -> {
            for (String frame : frames) {
                sessions.refuseUnexecuted(session, frame, 1000);
            }
        });
    }

    /**
     * The stream ended (called on the loop): the session drops what still waits.
     *
     * @return true the first time only
     */
    boolean end() {
        if (ended) {
            return false;
        }
        ended = true;
        return true;
    }
}
