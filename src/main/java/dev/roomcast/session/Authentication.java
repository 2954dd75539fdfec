package dev.roomcast.session;

import dev.roomcast.RoomcastConfig;
import dev.roomcast.encryption.InvalidPublicKeyException;
import dev.roomcast.encryption.SessionKeys;
import dev.roomcast.error.CloseCode;
import dev.roomcast.error.ErrorCode;
import dev.roomcast.error.RoomcastException;
import dev.roomcast.hub.Hub;
import dev.roomcast.hub.HubShard;
import dev.roomcast.protocol.Channels;
import dev.roomcast.protocol.ClientFrame;
import dev.roomcast.protocol.NodeIdentity;
import dev.roomcast.protocol.ServerFrames;
import dev.roomcast.protocol.TokenRequest;
import dev.roomcast.room.RoomNames;
import dev.roomcast.security.TokenVerifier;
import dev.roomcast.security.VerifiedToken;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * A session's identity (PROTOCOL.md section 2): the token from the handshake or from {@code authenticate}, the user's
 * connection slot ({@code roomcast.max-connections-per-user}), the user's automatic room, then {@code connected}; and
 * {@code refresh}, which replaces the token of the same user.
 */
@ApplicationScoped
class Authentication {

    private static final Logger LOG = Logger.getLogger(Authentication.class);
    private static final Uni<Void> DONE = Uni.createFrom().voidItem();

    private final TokenVerifier verifier;
    private final UserConnectionLimit connectionLimit;
    private final Hub hub;
    private final ServerFrames frames;
    private final NodeIdentity node;
    private final Replies replies;
    private final long heartbeatMs;
    private final boolean requireEncryption;

    Authentication(
            TokenVerifier verifier,
            UserConnectionLimit connectionLimit,
            Hub hub,
            ServerFrames frames,
            NodeIdentity node,
            Replies replies,
            RoomcastConfig config) {
        this.verifier = verifier;
        this.connectionLimit = connectionLimit;
        this.hub = hub;
        this.frames = frames;
        this.node = node;
        this.replies = replies;
        this.heartbeatMs = config.heartbeat().timeout().toMillis() / 2;
        this.requireEncryption = config.requireEncryption();
    }

    /**
     * Authenticates at once when the handshake carried a valid token (and reserved the user's connection slot), sealing
     * what follows {@code connected} when it also carried the client's key; else the session waits for
     * {@code authenticate}, whose own key counts (one at the handshake of such a session was never read).
     */
    Uni<Void> start(
            Session session, VerifiedToken handshakeToken, UserConnectionLimit.Reservation slot, SessionKeys keys) {
        if (handshakeToken == null) {
            return DONE;
        }
        if (requireEncryption && keys == null) {
            if (slot != null && slot.claim()) {
                session.holdSlot(); // given back with the session
            }
            session.close(CloseCode.ENCRYPTION_REQUIRED);
            return DONE;
        }
        if (slot == null || !slot.claim()) {
            // The reservation outlived its window before the socket opened: take a slot now, as a first message would.
            return admitted(session, handshakeToken, null, null, keys);
        }
        session.holdSlot();
        return enter(session, handshakeToken, null, null, keys);
    }

    /** {@code authenticate}: a token that does not verify closes with 4003. */
    Uni<Void> authenticate(Session session, ClientFrame frame) {
        if (!session.isUnauthenticated()) {
            throw RoomcastException.badRequest("already authenticated: use refresh to replace the token");
        }
        TokenRequest request = TokenRequest.from(frame.data());
        Optional<VerifiedToken> verified = verifier.verify(request.token());
        if (verified.isEmpty()) {
            LOG.debugf("%s: authentication failed", session);
            session.close(CloseCode.AUTH_FAILED);
            return DONE;
        }
        SessionKeys keys;
        if (request.publicKey() != null) {
            try {
                keys = SessionKeys.agree(request.publicKey());
            } catch (InvalidPublicKeyException e) {
                LOG.debugf("%s: %s", session, e.getMessage());
                session.close(CloseCode.ENCRYPTION_REQUIRED);
                return DONE;
            }
        } else if (requireEncryption) {
            session.close(CloseCode.ENCRYPTION_REQUIRED);
            return DONE;
        } else {
            keys = null;
        }
        return admitted(session, verified.get(), frame.id(), frame.traceId(), keys);
    }

    /**
     * {@code refresh}: the same user's new token; the ack carries its expiry. A revoked token is {@code FORBIDDEN} and the
     * session keeps the token it holds.
     */
    Uni<Void> refresh(Session session, ClientFrame frame) {
        VerifiedToken refreshed = verifier.verifyIgnoringRevocations(
                        TokenRequest.from(frame.data()).token())
                .orElseThrow(
                        () -> new RoomcastException(ErrorCode.AUTH_REQUIRED, "the new token is invalid or expired"));
        if (!refreshed.userId().equals(session.userId())) {
            throw RoomcastException.forbidden("a refreshed token must have the same sub");
        }
        if (verifier.isRevoked(refreshed)) {
            throw RoomcastException.forbidden("the new token is revoked");
        }
        session.refreshed(refreshed);
        replies.ack(session, frame, replies.object().put("exp", refreshed.expiresAtEpochSecond()));
        return DONE;
    }

    /** Takes one of the user's connection slots, then enters; a user at the limit is closed with 1008. */
    private Uni<Void> admitted(Session session, VerifiedToken token, String id, String traceId, SessionKeys keys) {
        session.authenticating(token);
        hub.authenticating();
        return connectionLimit.admit(token.userId()).emitOn(FrameLoop.current()).chain(admitted -> {
            if (session.isClosing()) {
                if (admitted) {
                    connectionLimit.release(token.userId()); // closed while waiting: nobody will hold it
                }
                return DONE;
            }
            if (!admitted) {
                LOG.debugf("%s: the user holds the most connections allowed", session);
                session.close(CloseCode.CONNECTION_LIMIT);
                return DONE;
            }
            session.holdSlot();
            return enter(session, token, id, traceId, keys);
        });
    }

    /**
     * Puts the session in its user's room (subscribing the pod to the user channel when it is the user's first
     * session here) and only then says {@code connected}: nothing sent to the user afterwards is missed.
     */
    private Uni<Void> enter(Session session, VerifiedToken token, String id, String traceId, SessionKeys keys) {
        if (session.isUnauthenticated()) {
            hub.authenticating();
        }
        session.authenticating(token);
        HubShard shard = session.shard();
        String userRoom = RoomNames.userRoom(token.userId());
        String channel = Channels.user(token.userId());
        return shard.reserve(userRoom, channel, false).onItemOrFailure().transform((ignored, failure) -> {
            if (failure != null) {
                shard.abandon(userRoom, channel, false);
                LOG.errorf("%s: user channel unavailable: %s", session, failure.getMessage());
                session.close(CloseCode.INTERNAL_ERROR);
                return null;
            }
            shard.commit(session, userRoom, channel, true);
            session.authenticated();
            hub.registerClient(session);
            session.reply(frames.connected(
                    id,
                    traceId,
                    session.clientId(),
                    session.userId(),
                    Instant.now().toString(),
                    node.serverId(),
                    heartbeatMs,
                    keys == null ? null : keys.serverPublicKey(),
                    keys == null ? null : keys.salt()));
            if (keys != null) {
                session.encrypt(keys); // connected itself is plaintext; everything after it is sealed
            }
            LOG.debugf("%s authenticated", session);
            return null;
        });
    }
}
