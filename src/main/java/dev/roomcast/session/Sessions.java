package dev.roomcast.session;

import dev.roomcast.encryption.SessionKeys;
import dev.roomcast.error.CloseCode;
import dev.roomcast.hub.Hub;
import dev.roomcast.hub.HubShard;
import dev.roomcast.observability.RoomcastMetrics;
import dev.roomcast.protocol.NodeIdentity;
import dev.roomcast.protocol.SessionInfo;
import dev.roomcast.security.VerifiedToken;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * A session's life, as a transport reports it: opened on the current event loop's shard, started (with the
 * handshake's token, if any), fed frames, and ended. Transports ({@code /ws}, {@code /sse}) call only this class.
 */
@ApplicationScoped
public class Sessions {

    private static final Logger LOG = Logger.getLogger(Sessions.class);
    /** What a frame refused for waiting behind too many others is told to wait: the time a slow frame takes, roughly. */
    private static final long WAITING_RETRY_AFTER_MILLIS = 1000;
    /** How many of a session's frames may wait for the one in progress. */
    public static final int MAX_WAITING_FRAMES = FrameInbox.MAX_WAITING;

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
        Session session = new Session(outbound, shard, node.nextClientId(), settings, this, System.nanoTime());
        shard.register(session);
        hub.opened();
        return session;
    }

    /**
     * Authenticates at once when the handshake carried a valid token (and reserved the user's connection slot), with the
     * keys negotiated there when the client asked for encryption (else null); else the session waits for
     * {@code authenticate}. Frames received meanwhile wait for it.
     */
    public void start(
            Session session, VerifiedToken handshakeToken, UserConnectionLimit.Reservation slot, SessionKeys keys) {
        session.inbox()
                .start(Uni.createFrom().deferred(() -> authentication.start(session, handshakeToken, slot, keys)));
    }

    /**
     * One text frame from the client (on the session's event loop), run after the frames taken before it. A frame that
     * finds {@link #MAX_WAITING_FRAMES} others waiting is refused with {@code RATE_LIMITED}, not run.
     */
    public void receive(Session session, String text) {
        if (session.inbox().admit(1)) {
            session.inbox().offer(text);
        } else {
            dispatcher.refuseUnexecuted(session, text, WAITING_RETRY_AFTER_MILLIS);
        }
    }

    /**
     * Counts frames in for the session before they reach its event loop (from any thread), to be handed over with
     * {@link #receiveAdmitted}.
     *
     * @return false, counting none, when they would make more than {@link #MAX_WAITING_FRAMES} waiting frames
     */
    public boolean admit(Session session, int count) {
        return session.inbox().admit(count);
    }

    /** A frame counted in by {@link #admit}, on the session's event loop: run after the frames taken before it. */
    public void receiveAdmitted(Session session, String text) {
        session.inbox().offer(text);
    }

    /** Runs one frame: called by the session's inbox, in turn. */
    Uni<Void> dispatch(Session session, String text) {
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

    /** This pod's live sessions of the user, as the sessions listing shows them. */
    public Uni<List<SessionInfo>> sessionsOf(String userId) {
        return hub.collect(recipient ->
                recipient instanceof Session session && session.isAuthenticated() && userId.equals(session.userId())
                        ? session.info(node.serverId())
                        : null);
    }

    /** Closes this pod's sessions of the user with 4006 and the reason, each on its own loop (PROTOCOL.md section 12). */
    public void disconnectUser(String userId, String reason) {
        hub.forEachConnection(recipient -> {
            if (recipient instanceof Session session && userId.equals(session.userId())) {
                session.close(CloseCode.DISCONNECTED, reason);
            }
        });
    }

    /** Closes this pod's session with that client id, if it holds one, with 4006 and the reason. */
    public void disconnectClient(String clientId, String reason) {
        if (hub.client(clientId) instanceof Session session) {
            session.shard().execute(() -> session.close(CloseCode.DISCONNECTED, reason));
        }
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
        // What the frame in progress adds (a membership, a slot) must be there to be cleaned up: after it, then.
        session.inbox().end(() -> cleanUp(session, wasUnauthenticated, transportCode));
    }

    private void cleanUp(Session session, boolean wasUnauthenticated, Integer transportCode) {
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
