package dev.roomcast.session;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.roomcast.error.CloseCode;
import dev.roomcast.error.ErrorCode;
import dev.roomcast.error.RoomcastException;
import dev.roomcast.protocol.ClientFrame;
import dev.roomcast.protocol.ServerFrames;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * The answers to a client's frames (PROTOCOL.md section 1), in one place: an {@code ack} only for a frame with an
 * {@code id}, an {@code error} always, and the run of invalid frames that ends in 1008 counted as refusals go out.
 */
@ApplicationScoped
class Replies {

    private static final Logger LOG = Logger.getLogger(Replies.class);
    /** PROTOCOL.md section 2: the 20th consecutive BAD_REQUEST or UNKNOWN_EVENT is answered, then the socket closes. */
    static final int MAX_INVALID_RUN = 20;

    private final ServerFrames frames;

    Replies(ServerFrames frames) {
        this.frames = frames;
    }

    /** An empty object for an ack's data. */
    ObjectNode object() {
        return frames.mapper().createObjectNode();
    }

    /** {@code ack} with the data (a JSON tree or a view record), when the frame carries an {@code id}; success is silent otherwise. */
    void ack(Session session, ClientFrame frame, Object data) {
        if (frame.id() != null) {
            session.reply(frames.ack(frame.id(), frame.traceId(), data));
        }
    }

    void ack(Session session, ClientFrame frame) {
        if (frame.id() != null) {
            session.reply(frames.ack(frame.id(), frame.traceId(), object()));
        }
    }

    void pong(Session session, ClientFrame frame) {
        session.reply(frames.pong(frame.id(), frame.traceId()));
    }

    void refuse(Session session, ClientFrame frame, RoomcastException error) {
        refuse(session, frame.id(), frame.traceId(), frame.event(), error);
    }

    /**
     * An {@code error}; a {@code BAD_REQUEST} or {@code UNKNOWN_EVENT} lengthens the run of invalid frames (the 20th
     * closes with 1008), any other answer breaks it.
     */
    void refuse(Session session, String id, String traceId, String event, RoomcastException error) {
        session.reply(frames.error(id, traceId, event, error));
        if (!error.code().isInvalidInput()) {
            session.validFrame();
        } else if (session.invalidFrame() >= MAX_INVALID_RUN) {
            LOG.debugf("%s: %d invalid frames in a row", session, MAX_INVALID_RUN);
            session.close(CloseCode.POLICY_VIOLATION);
        }
    }

    /** {@code RATE_LIMITED} with {@code retryAfterMs}: not an invalid frame, so it breaks the run. */
    void rateLimited(Session session, String id, String traceId, String event, long waitMillis) {
        session.reply(frames.error(
                id,
                traceId,
                event,
                new RoomcastException(
                        ErrorCode.RATE_LIMITED, "rate limit exceeded", Map.of("retryAfterMs", waitMillis), 429)));
        session.validFrame();
    }
}
