package dev.roomcast.session;

import com.fasterxml.jackson.databind.JsonNode;
import dev.roomcast.RoomcastConfig;
import dev.roomcast.encryption.FrameOpener;
import dev.roomcast.encryption.RefusedFrameException;
import dev.roomcast.error.ErrorCode;
import dev.roomcast.error.ErrorMapper;
import dev.roomcast.error.RoomcastException;
import dev.roomcast.observability.RoomcastMetrics;
import dev.roomcast.protocol.ClientEvent;
import dev.roomcast.protocol.ClientFrame;
import dev.roomcast.protocol.ClientFrameCodec;
import dev.roomcast.protocol.EventNames;
import dev.roomcast.protocol.FrameDecodeException;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.MDC;

/**
 * Every client frame passes through {@link #dispatch}: decoded, counted, rate limited, held to the authentication
 * gate, then handed to the command for its event. A refusal from any of them becomes one {@code error} frame here
 * (PROTOCOL.md section 1). Runs on the session's event loop and never blocks.
 */
@ApplicationScoped
class FrameDispatcher {

    private static final Uni<Void> DONE = Uni.createFrom().voidItem();

    private final ClientFrameCodec codec;
    private final RoomcastMetrics metrics;
    private final Replies replies;
    private final Authentication authentication;
    private final JoinCommands joins;
    private final RoomCommands rooms;
    private final ChatCommands chat;
    private final PresenceCommands presence;
    private final int maxRooms;

    FrameDispatcher(
            ClientFrameCodec codec,
            RoomcastMetrics metrics,
            Replies replies,
            Authentication authentication,
            JoinCommands joins,
            RoomCommands rooms,
            ChatCommands chat,
            PresenceCommands presence,
            RoomcastConfig config) {
        this.codec = codec;
        this.metrics = metrics;
        this.replies = replies;
        this.authentication = authentication;
        this.joins = joins;
        this.rooms = rooms;
        this.chat = chat;
        this.presence = presence;
        this.maxRooms = config.maxRoomsPerClient();
    }

    Uni<Void> dispatch(Session session, String text) {
        if (session.isClosing()) {
            return DONE; // frames queued behind a close are not executed
        }
        long now = System.nanoTime();
        session.touch(now);
        mdc(session);
        ClientFrame frame;
        try {
            frame = codec.decode(session.opener() == null ? text : opened(session.opener(), text));
        } catch (RefusedFrameException e) {
            // Section 10: BAD_REQUEST without id (the frame's own id is not trusted), counted toward 1008.
            metrics.frameReceived(ClientEvent.OTHER);
            if (!rateLimited(session, null, 1, null, null, now)) {
                replies.refuse(session, null, null, null, RoomcastException.badRequest(e.getMessage()));
            }
            return DONE;
        } catch (FrameDecodeException e) {
            metrics.frameReceived(e.event() == null ? ClientEvent.OTHER : e.event());
            if (!rateLimited(session, e.event(), 1, e.id(), null, now)) {
                replies.refuse(session, e.id(), null, e.event(), RoomcastException.badRequest(e.getMessage()));
            }
            return DONE;
        }
        if (frame.traceId() != null) {
            MDC.put("traceId", frame.traceId());
        }
        metrics.frameReceived(frame.event());
        if (rateLimited(session, frame.event(), cost(frame), frame.id(), frame.traceId(), now)) {
            return DONE;
        }
        // PROTOCOL.md section 2: before authentication anything but authenticate, heartbeat and ping, known or not,
        // is AUTH_REQUIRED.
        if (!session.isAuthenticated() && (frame.kind() == null || !frame.kind().allowedBeforeAuthentication())) {
            replies.refuse(session, frame, new RoomcastException(ErrorCode.AUTH_REQUIRED, "authenticate first"));
            return DONE;
        }
        if (frame.kind() == null) {
            replies.refuse(
                    session, frame, new RoomcastException(ErrorCode.UNKNOWN_EVENT, "unknown event " + frame.event()));
            return DONE;
        }
        Uni<Void> outcome;
        try {
            outcome = run(session, frame);
        } catch (RuntimeException e) {
            outcome = Uni.createFrom().failure(e);
        }
        return outcome.invoke(session::validFrame).onFailure().recoverWithItem(failure -> {
            replies.refuse(session, frame, ErrorMapper.map(failure));
            return null;
        });
    }

    /**
     * A frame that arrived while too many of the session's frames waited to run: answered {@code RATE_LIMITED} as a
     * frame over its bucket is, and not executed.
     */
    void refuseUnexecuted(Session session, String text, long retryAfterMillis) {
        String id;
        String event;
        String traceId = null;
        try {
            ClientFrame frame = codec.decode(text);
            id = frame.id();
            event = frame.event();
            traceId = frame.traceId();
        } catch (FrameDecodeException e) {
            id = e.id();
            event = e.event();
        }
        metrics.rateLimited(event == null ? ClientEvent.OTHER : event);
        replies.rateLimited(session, id, traceId, event, retryAfterMillis);
    }

    private Uni<Void> run(Session session, ClientFrame frame) {
        return switch (frame.kind()) {
            case AUTHENTICATE -> authentication.authenticate(session, frame);
            case REFRESH -> authentication.refresh(session, frame);
            case HEARTBEAT -> {
                replies.ack(session, frame);
                yield DONE;
            }
            case PING -> {
                replies.pong(session, frame);
                yield DONE;
            }
            case JOIN -> joins.join(session, frame);
            case LEAVE -> joins.leave(session, frame);
            case PUBLISH -> rooms.publish(session, frame);
            case MESSAGE_SEND -> chat.send(session, frame);
            case MESSAGE_EDIT -> chat.edit(session, frame);
            case MESSAGE_DELETE -> chat.delete(session, frame);
            case REACTION_ADD -> chat.react(session, frame, true);
            case REACTION_REMOVE -> chat.react(session, frame, false);
            case MESSAGE_PIN -> chat.pin(session, frame, true);
            case MESSAGE_UNPIN -> chat.pin(session, frame, false);
            case READ -> chat.read(session, frame);
            case TYPING -> chat.typing(session, frame);
            case PRESENCE_GET -> presence.get(session, frame);
            default ->
                throw new RoomcastException(
                        ErrorCode.UNKNOWN_EVENT, "event " + frame.event() + " is not supported by this server");
        };
    }

    /**
     * Tokens a frame takes from its event's bucket: a {@code join} one per room it names (at most the rooms a frame may
     * name: a longer one is refused as a whole anyway), any other frame one.
     */
    private int cost(ClientFrame frame) {
        if (frame.kind() != ClientEvent.JOIN || frame.data() == null) {
            return 1;
        }
        JsonNode named = frame.data().get("rooms");
        return named == null || !named.isArray() ? 1 : Math.max(1, Math.min(named.size(), maxRooms));
    }

    private boolean rateLimited(Session session, String event, int cost, String id, String traceId, long now) {
        long waitMillis = session.tryAcquire(event, cost, now);
        if (waitMillis == 0) {
            return false;
        }
        metrics.rateLimited(event == null ? ClientEvent.OTHER : event);
        replies.rateLimited(session, id, traceId, event, waitMillis);
        return true;
    }

    /**
     * Log context for the frame: every line carries the client and user ids and a trace id (the client's, echoed on
     * replies and deliveries, or a generated one that only the logs show).
     */
    private static void mdc(Session session) {
        MDC.put("clientId", session.clientId());
        if (session.userId() != null) {
            MDC.put("userId", session.userId());
        }
        MDC.put("traceId", session.nextTraceId());
    }

    /** The plaintext of an {@code encrypted} frame; anything else on an encrypted session is refused. */
    private String opened(FrameOpener opener, String text) {
        ClientFrame sealed;
        try {
            sealed = codec.decode(text);
        } catch (FrameDecodeException e) {
            throw new RefusedFrameException("not an encrypted frame: " + e.getMessage());
        }
        if (!EventNames.ENCRYPTED.equals(sealed.event()) || sealed.data() == null) {
            throw new RefusedFrameException("frames after connected must be encrypted");
        }
        JsonNode iv = sealed.data().get("iv");
        JsonNode ct = sealed.data().get("ct");
        return opener.open(
                iv != null && iv.isTextual() ? iv.asText() : null, ct != null && ct.isTextual() ? ct.asText() : null);
    }
}
