package dev.roomcast.session;

import dev.roomcast.encryption.FrameOpener;
import dev.roomcast.encryption.FrameSealer;
import dev.roomcast.encryption.SessionKeys;
import dev.roomcast.error.CloseCode;
import dev.roomcast.hub.HubShard;
import dev.roomcast.hub.Memberships;
import dev.roomcast.hub.Recipient;
import dev.roomcast.observability.DropReason;
import dev.roomcast.protocol.SessionInfo;
import dev.roomcast.security.VerifiedToken;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import java.time.Instant;

/**
 * One connection's state: who it is, where it is in its lifecycle (unauthenticated, authenticating,
 * authenticated, closing), when it was last active, its rate-limit buckets and its rooms. Kept small, since
 * there is one per socket; shared settings live in {@link SessionSettings}. Confined to the connection's event
 * loop.
 */
public final class Session implements Recipient, WriteListener, FrameInbox.Runner {

    enum State {
        UNAUTHENTICATED,
        /** Token accepted, waiting for the user channel: no broadcast yet, {@code connected} comes first. */
        AUTHENTICATING,
        AUTHENTICATED,
        CLOSING
    }

    /** What a transport's keep-alive is counted as against the budget: about its size. */
    private static final int KEEP_ALIVE_BYTES = 8;

    private final Outbound outbound;
    private final HubShard shard;
    private final SessionSettings settings;
    private final String clientId;
    private final Memberships memberships = new Memberships();
    private final RateLimiter rateLimiter;
    private final OutboundQueue queue = new OutboundQueue();
    private final Sessions sessions;
    private final FrameInbox inbox;
    /** Characters of live events kept for this connection by rooms it is joining (see {@link #hold}). */
    private int heldBytes;

    private final long openedAtNanos;
    private long lastActivityNanos;
    private State state = State.UNAUTHENTICATED;
    private String userId;
    private boolean admin;
    private long expiresAtEpochSecond = Long.MAX_VALUE;
    /** The token's {@code iat} and {@code jti} (null when it has none), which revocations match. */
    private long issuedAtEpochSecond;

    private String tokenId;
    /** The {@link dev.roomcast.security.Revocations#version()} this session's token was last checked against. */
    private long revocationsChecked = -1;
    /** When {@code connected} was written (epoch milliseconds), for listings. */
    private long connectedAtMillis;
    /** Whether the session holds one of its user's connection slots, given back when it ends. */
    private boolean holdsSlot;

    private int invalidRun;
    private int framesHandled;
    private CloseCode closeCode;
    /** PROTOCOL.md section 10, once {@code connected} is written to a client that negotiated it; dropped at the end. */
    private FrameSealer sealer;

    private FrameOpener opener;

    Session(
            Outbound outbound,
            HubShard shard,
            String clientId,
            SessionSettings settings,
            Sessions sessions,
            long nowNanos) {
        this.outbound = outbound;
        this.sessions = sessions;
        this.inbox = new FrameInbox(shard.context(), this);
        this.shard = shard;
        this.clientId = clientId;
        this.settings = settings;
        this.rateLimiter = new RateLimiter(settings.rateLimits, nowNanos);
        this.openedAtNanos = nowNanos;
        this.lastActivityNanos = nowNanos;
        outbound.bind(this);
    }

    @Override
    public String clientId() {
        return clientId;
    }

    public String userId() {
        return userId;
    }

    @Override
    public boolean isAdmin() {
        return admin;
    }

    @Override
    public boolean isAuthenticated() {
        return state == State.AUTHENTICATED;
    }

    boolean isUnauthenticated() {
        return state == State.UNAUTHENTICATED;
    }

    boolean isClosing() {
        return state == State.CLOSING;
    }

    FrameInbox inbox() {
        return inbox;
    }

    @Override
    public Uni<Void> runFrame(String frame) {
        return sessions.dispatch(this, frame);
    }

    @Override
    public void frameFailed(Throwable failure) {
        sessions.failed(this, failure);
    }

    @Override
    public Memberships memberships() {
        return memberships;
    }

    @Override
    public HubShard shard() {
        return shard;
    }

    /**
     * A live event. Above half the slow-consumer budget an ephemeral one is dropped; a persisted one that would
     * exceed the budget closes the connection with 4008 instead of being delayed without end or dropped (the client
     * recovers by offset when it reconnects). Other clients never wait for this one: writes do not block.
     */
    @Override
    public void write(String frame, boolean persisted) {
        if (admits(frame.length(), persisted)) {
            send(frame, frame.length());
        }
    }

    /**
     * A live event of a room this connection is joining, kept until its ack is written: counted against the budget
     * like a write, and dropped or refused (4008) the same way.
     */
    @Override
    public boolean hold(int size, boolean persisted) {
        if (!admits(size, persisted)) {
            return false;
        }
        heldBytes += size;
        return true;
    }

    @Override
    public void unhold(int size) {
        heldBytes -= size;
    }

    /**
     * Writes a reply to this client (ack, error, pong, connected, a join's replay). Replies count against the budget like
     * persisted events: a client that asks without reading is closed with 4008 rather than have answers pile up.
     */
    void reply(String frame) {
        if (admits(frame.length(), true)) {
            send(frame, frame.length());
            settings.metrics.frameSent();
        }
    }

    /** Whether a frame of this size fits the budget now, with what is queued and held. */
    boolean fits(int size) {
        return queue.queuedBytes() + heldBytes + size <= settings.maxQueuedBytes;
    }

    /**
     * Completes, on this connection's loop, once a frame of this size fits the budget: at once when it does, else when
     * the socket has written enough. Fails when it cannot fit even with nothing queued (4008), or the connection closes.
     */
    Uni<Void> room(int size) {
        if (fits(size)) {
            return Uni.createFrom().voidItem();
        }
        if (state == State.CLOSING) {
            return Uni.createFrom().failure(new IllegalStateException("closed"));
        }
        if (queue.queuedBytes() == 0) {
            overflowed();
            return Uni.createFrom().failure(new IllegalStateException("slow consumer"));
        }
        return Uni.createFrom()
                .emitter(emitter -> queue.onDrain(() -> {
                    if (state == State.CLOSING) {
                        queue.onDrain(null);
                        emitter.fail(new IllegalStateException("closed"));
                    } else if (fits(size)) {
                        queue.onDrain(null);
                        emitter.complete(null);
                    } else if (queue.queuedBytes() == 0) {
                        queue.onDrain(null);
                        overflowed();
                        emitter.fail(new IllegalStateException("slow consumer"));
                    }
                }));
    }

    private boolean admits(int size, boolean persisted) {
        long total = (long) queue.queuedBytes() + heldBytes + size;
        if (total > settings.maxQueuedBytes / 2 && state != State.CLOSING) {
            if (!persisted) {
                settings.metrics.dropped(DropReason.SLOW_CONSUMER);
                return false;
            }
            if (total > settings.maxQueuedBytes) {
                overflowed();
                return false;
            }
        }
        return true;
    }

    private void overflowed() {
        settings.metrics.dropped(DropReason.SLOW_CONSUMER);
        close(CloseCode.SLOW_CONSUMER);
    }

    private void send(String frame, int counted) {
        if (state == State.CLOSING) {
            // Nothing may follow a close frame; after a 4008, nothing more should pile up behind it either.
            settings.metrics.dropped(DropReason.CLOSED);
            return;
        }
        if (sealer != null) {
            // Sealed per recipient: a broadcast's text was encoded once, its ciphertext cannot be shared.
            frame = sealer.seal(frame);
            counted = frame.length();
        }
        queue.add(counted);
        outbound.send(frame);
    }

    @Override
    public void written() {
        queue.written();
    }

    /** The socket is closing: what was queued will not be written, and counts no more. */
    @Override
    public void failed(Throwable cause) {
        queue.written();
        settings.metrics.dropped(DropReason.CLOSED);
    }

    void touch(long nowNanos) {
        lastActivityNanos = nowNanos;
    }

    /** A trace id for a frame that brought none: unique per pod, and in order within the connection. */
    String nextTraceId() {
        return clientId + "/" + (++framesHandled);
    }

    long tryAcquire(String event, int cost, long nowNanos) {
        return rateLimiter.tryAcquire(event, cost, nowNanos);
    }

    void authenticating(VerifiedToken token) {
        state = State.AUTHENTICATING;
        userId = token.userId();
        holdToken(token);
    }

    void holdSlot() {
        holdsSlot = true;
    }

    boolean holdsSlot() {
        return holdsSlot;
    }

    void authenticated() {
        if (state == State.AUTHENTICATING) {
            state = State.AUTHENTICATED;
            connectedAtMillis = System.currentTimeMillis();
        }
    }

    /** This session as the sessions listing shows it (PROTOCOL.md section 12); on its own loop. */
    SessionInfo info(String serverId) {
        return new SessionInfo(
                clientId,
                serverId,
                outbound.transport(),
                Instant.ofEpochMilli(connectedAtMillis).toString(),
                memberships.joinedCount(),
                sealer != null);
    }

    void refreshed(VerifiedToken token) {
        holdToken(token);
    }

    private void holdToken(VerifiedToken token) {
        admin = token.admin();
        expiresAtEpochSecond = token.expiresAtEpochSecond();
        issuedAtEpochSecond = token.issuedAtEpochSecond();
        tokenId = token.tokenId();
        revocationsChecked = -1;
    }

    /** Whether the token the session holds now is revoked. */
    boolean holdsRevokedToken() {
        return userId != null && settings.revocations.revokes(userId, issuedAtEpochSecond, tokenId);
    }

    /** @return the length of the current run of invalid frames, this one included */
    int invalidFrame() {
        return ++invalidRun;
    }

    void validFrame() {
        invalidRun = 0;
    }

    /**
     * Closes the socket once; later calls are ignored. The close is counted now: a slow reader's close frame waits
     * behind what it has not read, and its socket may end much later.
     */
    void close(CloseCode code) {
        close(code, code.reason());
    }

    /** Closes with the code and a reason of the caller's (an administrator's disconnect), once. */
    void close(CloseCode code, String reason) {
        if (state == State.CLOSING) {
            return;
        }
        state = State.CLOSING;
        queue.notifyDrain();
        if (outbound.isClosed()) {
            return; // closed already, from the other side: the transport's code is counted when the close is handled
        }
        closeCode = code;
        settings.metrics.closed(code.code());
        outbound.close(code, reason, sealer).subscribe().with(Session::ignore, Session::ignore);
    }

    /** The socket is gone (closed by either side): nothing more is written, and whoever waits for room stops. */
    void ended() {
        state = State.CLOSING;
        sealer = null;
        opener = null;
        queue.notifyDrain();
    }

    /** From now on every frame both ways is an {@code encrypted} frame under these keys. */
    void encrypt(SessionKeys keys) {
        sealer = keys.sealer();
        opener = keys.opener();
    }

    /** What opens the client's frames, when the session is encrypted; else null. */
    FrameOpener opener() {
        return opener;
    }

    /** The code this server closed with, or null when the close came from the client or the transport. */
    CloseCode closeCode() {
        return closeCode;
    }

    @Override
    public void goAway(String reconnectFrame, long closeAfterMillis) {
        if (state == State.CLOSING) {
            return;
        }
        reply(reconnectFrame);
        Vertx.currentContext().owner().setTimer(Math.max(1, closeAfterMillis), id -> close(CloseCode.GOING_AWAY));
    }

    @Override
    public void tick(long nowNanos, long nowEpochSecond) {
        switch (state) {
            case CLOSING -> {}
            case UNAUTHENTICATED -> {
                if (nowNanos - openedAtNanos > settings.authTimeoutNanos) {
                    close(CloseCode.AUTH_TIMEOUT);
                }
            }
            case AUTHENTICATING -> {
                // The token was accepted: only the user channel's subscribe timeout (close 1011) applies now.
            }
            case AUTHENTICATED -> {
                if (outbound.expectsClientHeartbeats()
                        && nowNanos - lastActivityNanos > settings.heartbeatTimeoutNanos) {
                    close(CloseCode.HEARTBEAT_TIMEOUT);
                } else if (expiresAtEpochSecond != Long.MAX_VALUE
                        && nowEpochSecond > expiresAtEpochSecond + settings.clockSkewSeconds) {
                    close(CloseCode.TOKEN_EXPIRED);
                } else if (revocationsChecked != settings.revocations.version() && tokenRevoked()) {
                    close(CloseCode.TOKEN_REVOKED);
                } else if (outbound.keepAliveDue(nowNanos)) {
                    keepAlive();
                }
            }
        }
    }

    /** Checks the token against the revocations once per change of them (each sweep otherwise costs one comparison). */
    private boolean tokenRevoked() {
        revocationsChecked = settings.revocations.version();
        return holdsRevokedToken();
    }

    /** Counted like a reply: a stream that does not drain fills its budget with keep-alives too, and ends with 4008. */
    private void keepAlive() {
        if (admits(KEEP_ALIVE_BYTES, true)) {
            queue.add(KEEP_ALIVE_BYTES);
            outbound.keepAlive();
        }
    }

    @Override
    public String toString() {
        return "client " + clientId + (userId == null ? "" : " of user " + userId);
    }

    private static void ignore(Object ignored) {}
}
