package dev.roomcast.transport;

import dev.roomcast.protocol.ClientCommand;
import dev.roomcast.session.Session;
import dev.roomcast.session.Sessions;
import io.smallrye.common.vertx.VertxContext;
import io.vertx.core.Context;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The frames POSTed for one SSE session, run one at a time in the order they were accepted, as a socket's frames are:
 * each on the session's event loop, in a context of its own (as websockets-next gives each frame), after the previous
 * one has finished. At most {@link #MAX_WAITING} frames wait; a POST beyond that is refused (429), and forwarded frames
 * beyond it are answered {@code RATE_LIMITED} without being run.
 */
final class SseInbox {

    /** Five full POSTs. */
    static final int MAX_WAITING = ClientCommand.MAX_FRAMES * 5;

    private final Session session;
    /** The session's user, fixed for its life: read by POSTs on any thread. */
    private final String userId;

    private final Sessions sessions;
    /** The session's event loop. */
    private final Context loop;
    /** Frames accepted and not yet started, counted from any thread so that a POST is refused at once. */
    private final AtomicInteger accepted = new AtomicInteger();

    // Confined to the loop.
    private final ArrayDeque<String> waiting = new ArrayDeque<>();
    private boolean running;
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
     * Takes the frames, to be run after every frame taken before them (callers take in the order frames must run).
     *
     * @return false, taking none, when they would be more than {@link #MAX_WAITING} waiting frames
     */
    boolean offer(List<String> frames) {
        int count = frames.size();
        int now;
        do {
            now = accepted.get();
            if (now + count > MAX_WAITING) {
                return false;
            }
        } while (!accepted.compareAndSet(now, now + count));
        loop.runOnContext(ignored -> {
            waiting.addAll(frames);
            if (!running) {
                runNext();
            }
        });
        return true;
    }

    /** Forwarded frames that find no room: each answered RATE_LIMITED on the stream, in order with the others. */
    void refuse(List<String> frames) {
        loop.runOnContext(ignored -> {
            for (String frame : frames) {
                sessions.refuseUnexecuted(session, frame, 1000);
            }
        });
    }

    /**
     * The stream ended (called on the loop): what still waits is not run.
     *
     * @return true the first time only
     */
    boolean end() {
        if (ended) {
            return false;
        }
        ended = true;
        waiting.clear();
        return true;
    }

    private void runNext() {
        String frame = ended ? null : waiting.poll();
        if (frame == null) {
            running = false;
            return;
        }
        running = true;
        accepted.decrementAndGet();
        Context frameContext = VertxContext.createNewDuplicatedContext(loop);
        frameContext.runOnContext(ignored -> sessions.receive(session, frame)
                .subscribe()
                .with(done -> next(), failure -> {
                    sessions.failed(session, failure);
                    next();
                }));
    }

    /** A frame may finish on another thread (a database or Redis callback): the next one starts on the loop. */
    private void next() {
        loop.runOnContext(ignored -> runNext());
    }
}
