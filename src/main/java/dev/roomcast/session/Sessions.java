package dev.roomcast.session;

import dev.roomcast.error.CloseCode;
import dev.roomcast.hub.Hub;
import dev.roomcast.hub.HubShard;
import dev.roomcast.observability.RoomcastMetrics;
import dev.roomcast.protocol.NodeIdentity;
import dev.roomcast.security.VerifiedToken;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * A session's life, as a transport reports it: opened on the current event loop's shard, started (with the
 * handshake's token, if any), fed frames, and ended. Transports ({@code /ws}, {@code /sse}) call only this class.
 */
@ApplicationScoped
public class Sessions {

    private static final Logger LOG = Logger.getLogger(Sessions.class);

    private final Hub hub;
    private final NodeIdentity node;
    private final SessionSettings settings;
    private final Authentication authentication;
    private final FrameDispatcher dispatcher;
    private final UserConnectionLimit connectionLimit;
    private final RoomcastMetrics metrics;

    Sessions(
            Hub hub,
            NodeIdentity node,
            SessionSettings settings,
            Authentication authentication,
            FrameDispatcher dispatcher,
            UserConnectionLimit connectionLimit,
            RoomcastMetrics metrics) {
        this.hub = hub;
        this.node = node;
        this.settings = settings;
        this.authentication = authentication;
        this.dispatcher = dispatcher;
        this.connectionLimit = connectionLimit;
        this.metrics = metrics;
    }

    /** A transport opened: the session is registered on the current event loop's shard. */
    public Session open(Outbound outbound) {
        HubShard shard = hub.currentShard();
        Session session = new Session(outbound, shard, node.nextClientId(), settings, System.nanoTime());
        shard.register(session);
        hub.opened();
        return session;
    }

    /**
     * Authenticates at once when the handshake carried a valid token (and reserved the user's connection slot); else the
     * session waits for {@code authenticate}.
     */
    public Uni<Void> start(Session session, VerifiedToken handshakeToken, UserConnectionLimit.Reservation slot) {
        return authentication.start(session, handshakeToken, slot);
    }

    /** One text frame from the client. */
    public Uni<Void> receive(Session session, String text) {
        return dispatcher.dispatch(session, text);
    }

    /** A frame the transport could not run now (too many wait): refused with {@code RATE_LIMITED}, as if over its bucket. */
    public void refuseUnexecuted(Session session, String text, long retryAfterMillis) {
        dispatcher.refuseUnexecuted(session, text, retryAfterMillis);
    }

    /** Transport-level liveness (WebSocket ping and pong frames) counts as activity too. */
    public void activity(Session session) {
        session.touch(System.nanoTime());
    }

    /** A frame the protocol has no use for (binary): closed with 1003. */
    public void unsupportedFrame(Session session) {
        session.close(CloseCode.UNSUPPORTED_DATA);
    }

    /** An unexpected failure while serving the session: closed with 1011, unless it is closing anyway. */
    public void failed(Session session, Throwable failure) {
        if (session.isClosing()) {
            LOG.debugf("%s: %s after close", session, failure.toString());
            return;
        }
        LOG.errorf(failure, "%s: closing after an unexpected failure", session);
        session.close(CloseCode.INTERNAL_ERROR);
    }

    /**
     * The transport is gone: the session leaves every room and gives back its user's connection slot.
     *
     * @param transportCode the close code the transport received, or null when it ended without one (counted as 1006,
     *     connection lost); ignored when this server chose the code, which was counted as it was sent
     */
    public void ended(Session session, Integer transportCode) {
        boolean wasUnauthenticated = session.isUnauthenticated();
        session.ended();
        session.shard().unregister(session);
        hub.unregisterClient(session);
        hub.closed(wasUnauthenticated);
        if (session.holdsSlot()) {
            connectionLimit.release(session.userId());
        }
        CloseCode own = session.closeCode();
        if (own == null) {
            metrics.closed(transportCode == null ? CloseCode.CONNECTION_LOST.code() : transportCode);
        }
        LOG.debugf("%s closed (%s)", session, own != null ? own : transportCode);
    }
}
