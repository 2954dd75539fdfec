package dev.roomcast.session;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.roomcast.RoomcastConfig;
import dev.roomcast.broker.Broker;
import dev.roomcast.broker.Channels;
import dev.roomcast.broker.DeliveryType;
import dev.roomcast.broker.Envelope;
import dev.roomcast.broker.Sender;
import dev.roomcast.error.CloseCode;
import dev.roomcast.error.ErrorCode;
import dev.roomcast.error.ErrorMapper;
import dev.roomcast.error.RoomcastException;
import dev.roomcast.hub.Hub;
import dev.roomcast.hub.HubShard;
import dev.roomcast.node.NodeIdentity;
import dev.roomcast.observability.RoomcastMetrics;
import dev.roomcast.room.NamespacePolicy;
import dev.roomcast.room.RoomAccess;
import dev.roomcast.room.RoomHistory;
import dev.roomcast.room.RoomName;
import dev.roomcast.room.RoomNames;
import dev.roomcast.room.Since;
import dev.roomcast.security.TokenVerifier;
import dev.roomcast.security.VerifiedToken;
import dev.roomcast.transport.ClientEvent;
import dev.roomcast.transport.ClientFrame;
import dev.roomcast.transport.ClientFrameCodec;
import dev.roomcast.transport.EventNames;
import dev.roomcast.transport.FrameDecodeException;
import dev.roomcast.transport.ServerFrames;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * The client's state machine: every frame of a session passes through {@link #handle}, which decodes it, applies
 * the rate limits and the authentication gate, and runs one {@code handleXxx} per event. Refusals become error
 * frames here, in one place; the 20th invalid frame in a row closes with 1008. Runs on the connection's event
 * loop and never blocks.
 */
@ApplicationScoped
public class SessionCommands {

    private static final Logger LOG = Logger.getLogger(SessionCommands.class);
    /** PROTOCOL.md section 2: the 20th consecutive BAD_REQUEST or UNKNOWN_EVENT is answered, then the socket closes. */
    static final int MAX_INVALID_RUN = 20;
    private static final Uni<Void> DONE = Uni.createFrom().voidItem();
    /** RFC 6455's "no status received", what the transport reports for a socket that ended without a close frame. */
    private static final int NO_STATUS = 1005;

    private final ClientFrameCodec codec;
    private final ServerFrames frames;
    private final TokenVerifier verifier;
    private final Hub hub;
    private final Broker broker;
    private final RoomAccess access;
    private final Instance<RoomHistory> history;
    private final ChatCommands chat;
    private final PresenceCommands presence;
    private final NodeIdentity node;
    private final RoomcastMetrics metrics;
    private final SessionSettings settings;
    private final UserConnectionLimit connectionLimit;
    private final Replay replay;
    private final int maxRooms;
    private final long heartbeatMs;

    SessionCommands(ClientFrameCodec codec, ServerFrames frames, TokenVerifier verifier, Hub hub, Broker broker,
            RoomAccess access, Instance<RoomHistory> history, ChatCommands chat, PresenceCommands presence,
            NodeIdentity node, RoomcastMetrics metrics, SessionSettings settings, UserConnectionLimit connectionLimit,
            Replay replay, RoomcastConfig config) {
        this.codec = codec;
        this.frames = frames;
        this.verifier = verifier;
        this.hub = hub;
        this.broker = broker;
        this.access = access;
        this.history = history;
        this.chat = chat;
        this.presence = presence;
        this.node = node;
        this.metrics = metrics;
        this.settings = settings;
        this.connectionLimit = connectionLimit;
        this.replay = replay;
        this.maxRooms = config.maxRoomsPerClient();
        this.heartbeatMs = config.heartbeat().timeout().toMillis() / 2;
    }

    /** A socket opened: registers it on its event loop's shard. */
    public Session open(WebSocketConnection connection) {
        HubShard shard = hub.currentShard();
        Session session = new Session(connection, shard, node.nextClientId(), settings, System.nanoTime());
        shard.register(session);
        hub.opened();
        return session;
    }

    /**
     * Authenticates at once when the handshake carried a valid token (and reserved the user's connection slot); else the
     * socket waits for {@code authenticate}.
     */
    public Uni<Void> start(Session session, VerifiedToken handshakeToken, UserConnectionLimit.Reservation slot) {
        if (handshakeToken == null) {
            return DONE;
        }
        if (slot == null || !slot.claim()) {
            // The reservation outlived its window before the socket opened: take a slot now, as a first message would.
            return admitted(session, handshakeToken, null, null);
        }
        session.holdSlot();
        return authenticate(session, handshakeToken, null, null);
    }

    public Uni<Void> handle(Session session, String text) {
        if (session.isClosing()) {
            return DONE; // frames queued behind a close are not executed
        }
        long now = System.nanoTime();
        session.touch(now);
        mdc(session);
        ClientFrame frame;
        try {
            frame = codec.decode(text);
        } catch (FrameDecodeException e) {
            metrics.frameReceived(e.event() == null ? ClientEvent.OTHER : e.event());
            if (!rateLimited(session, e.event(), 1, e.id(), null, now)) {
                refuse(session, e.id(), null, e.event(), RoomcastException.badRequest(e.getMessage()));
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
            refuse(session, frame, new RoomcastException(ErrorCode.AUTH_REQUIRED, "authenticate first"));
            return DONE;
        }
        if (frame.kind() == null) {
            refuse(session, frame, new RoomcastException(ErrorCode.UNKNOWN_EVENT, "unknown event " + frame.event()));
            return DONE;
        }
        Uni<Void> outcome;
        try {
            outcome = dispatch(session, frame);
        } catch (RuntimeException e) {
            outcome = Uni.createFrom().failure(e);
        }
        return outcome
                .invoke(session::validFrame)
                .onFailure().recoverWithItem(failure -> {
                    refuse(session, frame, ErrorMapper.map(failure));
                    return null;
                });
    }

    /** WebSocket ping and pong control frames are activity too. */
    public void activity(Session session) {
        session.touch(System.nanoTime());
    }

    public void binary(Session session) {
        session.close(CloseCode.UNSUPPORTED_DATA);
    }

    public void failed(Session session, Throwable failure) {
        if (session.isClosing() || failure instanceof io.vertx.core.http.HttpClosedException) {
            LOG.debugf("%s: %s after close", session, failure.toString());
            return;
        }
        LOG.errorf(failure, "%s: closing after an unexpected failure", session);
        session.close(CloseCode.INTERNAL_ERROR);
    }

    public void closed(Session session, CloseReason reason) {
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
            // Ours were counted as they were sent. A connection that ended without a close frame (the transport reports
            // 1005, "no status": an empty close frame is reported as 1000) counts as 1006, connection lost.
            metrics.closed(reason == null || reason.getCode() == NO_STATUS ? CloseCode.CONNECTION_LOST.code() : reason.getCode());
        }
        LOG.debugf("%s closed (%s)", session, own != null ? own : reason);
    }

    private Uni<Void> dispatch(Session session, ClientFrame frame) {
        return switch (frame.kind()) {
            case AUTHENTICATE -> handleAuthenticate(session, frame);
            case HEARTBEAT -> handleHeartbeat(session, frame);
            case PING -> handlePing(session, frame);
            case REFRESH -> handleRefresh(session, frame);
            case JOIN -> handleJoin(session, frame);
            case LEAVE -> handleLeave(session, frame);
            case PUBLISH -> handlePublish(session, frame);
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
            default -> throw new RoomcastException(ErrorCode.UNKNOWN_EVENT,
                    "event " + frame.event() + " is not supported by this server");
        };
    }

    private Uni<Void> handleAuthenticate(Session session, ClientFrame frame) {
        if (!session.isUnauthenticated()) {
            throw RoomcastException.badRequest("already authenticated: use refresh to replace the token");
        }
        String token = Fields.requiredText(frame.data(), "token");
        Optional<VerifiedToken> verified = verifier.verify(token);
        if (verified.isEmpty()) {
            LOG.debugf("%s: authentication failed", session);
            session.close(CloseCode.AUTH_FAILED);
            return DONE;
        }
        return admitted(session, verified.get(), frame.id(), frame.traceId());
    }

    /** Takes one of the user's connection slots, then authenticates; a user at the limit is closed with 1008. */
    private Uni<Void> admitted(Session session, VerifiedToken token, String id, String traceId) {
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
            return authenticate(session, token, id, traceId);
        });
    }

    /**
     * Puts the session in its user's room (subscribing the pod to the user channel when it is the user's first
     * session here) and only then says {@code connected}: nothing sent to the user afterwards is missed.
     */
    private Uni<Void> authenticate(Session session, VerifiedToken token, String id, String traceId) {
        if (session.isUnauthenticated()) {
            hub.authenticating();
        }
        session.authenticating(token);
        HubShard shard = session.shard();
        String userRoom = RoomNames.userRoom(token.userId());
        String channel = Channels.user(token.userId());
        return shard.reserve(userRoom, channel, false)
                .onItemOrFailure().transform((ignored, failure) -> {
                    if (failure != null) {
                        shard.abandon(userRoom, channel, false);
                        LOG.errorf("%s: user channel unavailable: %s", session, failure.getMessage());
                        session.close(CloseCode.INTERNAL_ERROR);
                        return null;
                    }
                    shard.commit(session, userRoom, channel, true);
                    session.authenticated();
                    hub.registerClient(session);
                    session.reply(frames.connected(id, traceId, session.clientId(), session.userId(),
                            Instant.now().toString(), node.serverId(), heartbeatMs));
                    LOG.debugf("%s authenticated", session);
                    return null;
                });
    }

    private Uni<Void> handleHeartbeat(Session session, ClientFrame frame) {
        ack(session, frame, frames.mapper().createObjectNode());
        return DONE;
    }

    private Uni<Void> handlePing(Session session, ClientFrame frame) {
        session.reply(frames.pong(frame.id(), frame.traceId()));
        return DONE;
    }

    private Uni<Void> handleRefresh(Session session, ClientFrame frame) {
        String token = Fields.requiredText(frame.data(), "token");
        VerifiedToken refreshed = verifier.verify(token).orElseThrow(
                () -> new RoomcastException(ErrorCode.AUTH_REQUIRED, "the new token is invalid or expired"));
        if (!refreshed.userId().equals(session.userId())) {
            throw RoomcastException.forbidden("a refreshed token must have the same sub");
        }
        session.refreshed(refreshed);
        ObjectNode data = frames.mapper().createObjectNode();
        if (refreshed.expiresAtEpochSecond() == Long.MAX_VALUE) {
            data.putNull("exp");
        } else {
            data.put("exp", refreshed.expiresAtEpochSecond());
        }
        ack(session, frame, data);
        return DONE;
    }

    /**
     * Joins every listed room independently, in request order:
     * <ol>
     * <li>access checks (namespace policy, membership);</li>
     * <li>the room limit, applied in request order to the rooms that passed them (a refused room takes no slot);</li>
     * <li>reservations: the pod subscribes to each room's channel if needed (and, for rooms with history, knows where
     * the room's ordered stream starts); a reservation completes once that is active;</li>
     * <li>the connection enters each room as a pending member: the room's frames are kept for it from now on;</li>
     * <li>for rooms with history, the room's position is read from the event log, and whether the events missed since
     * {@code since} can be recovered: after entering, so that nothing falls between the two;</li>
     * <li>the ack; then room by room, the missed events (read and written a page at a time, as fast as the client
     * reads: {@link Replay}), what was kept meanwhile (without what the replay already covered), and the connection goes
     * live in the room.</li>
     * </ol>
     * So no event of a room precedes the ack, the missed events come before any newer one, and nothing is lost or
     * repeated in between.
     */
    private Uni<Void> handleJoin(Session session, ClientFrame frame) {
        JsonNode rooms = roomList(frame);
        JsonNode since = frame.data().get("since");
        if (since != null && !since.isObject() && !since.isNull()) {
            throw RoomcastException.badRequest("data.since must be an object");
        }
        List<JoinOutcome> outcomes = new ArrayList<>(rooms.size());
        Map<String, JoinOutcome> firstByName = new LinkedHashMap<>();
        List<Supplier<Uni<Void>>> checks = new ArrayList<>();
        for (JsonNode item : rooms) {
            if (!item.isTextual()) {
                outcomes.add(new JoinOutcome(item.toString()).refuse(RoomcastException.badRequest("room names are strings")));
                continue;
            }
            String name = item.textValue();
            JoinOutcome first = firstByName.get(name);
            if (first != null) {
                outcomes.add(first);
                continue;
            }
            JoinOutcome outcome = new JoinOutcome(name);
            outcomes.add(outcome);
            firstByName.put(name, outcome);
            Optional<RoomName> parsed = RoomNames.parse(name);
            if (parsed.isEmpty()) {
                outcome.refuse(RoomcastException.badRequest("malformed room name"));
                continue;
            }
            try {
                outcome.policy = access.policyOf(parsed.get());
                outcome.since = outcome.hasHistory() ? sinceOf(since, name) : null;
            } catch (RoomcastException e) {
                outcome.refuse(e);
                continue;
            }
            if (session.memberships().isIn(name)) {
                continue;
            }
            // One's own user: and client: rooms need no membership: the session is in them since authentication.
            outcome.needsMembership = !outcome.policy.automatic();
            RoomName parsedName = parsed.get();
            checks.add(() -> recordRefusal(access.checkJoin(outcome.policy, parsedName, session.userId(),
                    session.clientId(), session.isAdmin()), outcome));
        }
        Collection<JoinOutcome> distinct = firstByName.values();
        FrameLoop loop = FrameLoop.current();
        return inTurn(checks).emitOn(loop)
                .chain(() -> reserveWithinLimit(session, distinct))
                .emitOn(loop)
                .invoke(() -> enterPending(session, distinct))
                .chain(() -> readPositions(session, distinct))
                .emitOn(loop)
                .chain(() -> finishJoin(session, frame, outcomes, distinct, loop));
    }

    private Uni<Void> reserveWithinLimit(Session session, Iterable<JoinOutcome> distinctOutcomes) {
        int budget = maxRooms - session.memberships().joinedCount();
        List<Uni<Void>> reservations = new ArrayList<>();
        for (JoinOutcome outcome : distinctOutcomes) {
            if (!outcome.needsMembership || outcome.error != null) {
                continue;
            }
            if (budget <= 0) {
                outcome.refuse(new RoomcastException(ErrorCode.LIMIT_EXCEEDED,
                        "a connection may be in at most " + maxRooms + " rooms"));
                continue;
            }
            budget--;
            outcome.reserved = true;
            reservations.add(recordRefusal(session.shard().reserve(outcome.room, Channels.room(outcome.room),
                    outcome.hasHistory()), outcome));
        }
        return all(reservations);
    }

    private void enterPending(Session session, Iterable<JoinOutcome> distinctOutcomes) {
        HubShard shard = session.shard();
        for (JoinOutcome outcome : distinctOutcomes) {
            if (!outcome.reserved) {
                continue;
            }
            outcome.reserved = false;
            if (outcome.error == null) {
                shard.commitPending(session, outcome.room, Channels.room(outcome.room), outcome.hasHistory(),
                        outcome.policy.presence());
                outcome.pending = true;
            } else {
                shard.abandon(outcome.room, Channels.room(outcome.room), outcome.hasHistory());
            }
        }
    }

    private Uni<Void> readPositions(Session session, Iterable<JoinOutcome> distinctOutcomes) {
        List<Supplier<Uni<Void>>> reads = new ArrayList<>();
        for (JoinOutcome outcome : distinctOutcomes) {
            if (outcome.error == null && outcome.hasHistory()) {
                RoomName name = RoomNames.parse(outcome.room).orElseThrow();
                // Already in the room: its position, without replay (the connection is live there already).
                Since since = outcome.pending ? outcome.since : null;
                reads.add(() -> recordRefusal(history.get().position(name, since, session.userId(), session.isAdmin())
                        .invoke(position -> outcome.position = position).replaceWithVoid(), outcome));
            }
        }
        return inTurn(reads);
    }

    private static Uni<Void> all(List<Uni<Void>> steps) {
        return steps.isEmpty() ? DONE : Uni.join().all(steps).andFailFast().replaceWithVoid();
    }

    /**
     * One step after the other: database steps of one frame share the frame's Hibernate Reactive session, which must
     * not run two operations at once.
     */
    private static Uni<Void> inTurn(List<Supplier<Uni<Void>>> steps) {
        Uni<Void> chain = DONE;
        for (Supplier<Uni<Void>> step : steps) {
            chain = chain.chain(step::get);
        }
        return chain;
    }

    /** {@code since[room]}: {@code {offset: integer >= 0, epoch: string}}, or null when absent. */
    private static Since sinceOf(JsonNode since, String room) {
        JsonNode entry = since == null || since.isNull() ? null : since.get(room);
        if (entry == null || entry.isNull()) {
            return null;
        }
        JsonNode offset = entry.get("offset");
        JsonNode epoch = entry.get("epoch");
        if (!entry.isObject() || offset == null || !offset.canConvertToLong() || !offset.isIntegralNumber()
                || offset.asLong() < 0 || epoch == null || !epoch.isTextual()) {
            throw RoomcastException.badRequest("since[" + room + "] must be {offset: integer >= 0, epoch: string}");
        }
        return new Since(offset.asLong(), epoch.textValue());
    }

    private static Uni<Void> recordRefusal(Uni<Void> step, JoinOutcome outcome) {
        return step.onFailure().recoverWithItem(failure -> {
            outcome.refuse(ErrorMapper.map(failure));
            return null;
        });
    }

    private Uni<Void> finishJoin(Session session, ClientFrame frame, List<JoinOutcome> outcomes,
            Collection<JoinOutcome> distinct, FrameLoop loop) {
        HubShard shard = session.shard();
        for (JoinOutcome outcome : distinct) {
            if (outcome.pending && outcome.error != null) {
                outcome.pending = false;
                shard.leave(session, outcome.room); // its position could not be read: out again
            } else if (outcome.pending && !session.memberships().isIn(outcome.room)) {
                // Removed while joining (kicked, banned, room deleted): what it was told then stands.
                outcome.pending = false;
                outcome.refuse(RoomcastException.forbidden("removed from " + outcome.room + " while joining"));
            }
        }
        ObjectNode data = frames.mapper().createObjectNode();
        ArrayNode results = data.putArray("rooms");
        for (JoinOutcome outcome : outcomes) {
            outcome.writeTo(results.addObject());
        }
        if (frame.id() != null) {
            session.reply(frames.ack(frame.id(), frame.traceId(), data));
        } else {
            for (JoinOutcome outcome : outcomes) {
                if (outcome.error != null) {
                    RoomcastException named = new RoomcastException(outcome.error.code(),
                            outcome.room + ": " + outcome.error.getMessage());
                    session.reply(frames.error(null, frame.traceId(), frame.event(), named));
                }
            }
        }
        Uni<Void> chain = DONE;
        for (JoinOutcome outcome : distinct) {
            if (outcome.pending) {
                outcome.pending = false;
                chain = chain.chain(() -> replay.recover(session, outcome.room, outcome.position, loop))
                        .invoke(() -> shard.completeJoin(session, outcome.room,
                                outcome.position == null ? -1 : outcome.position.lastOffset()));
            }
        }
        // A replay that could not finish closed the session (4008): the frame itself was answered.
        return chain.onFailure().recoverWithNull().replaceWithVoid();
    }

    /** {@code data.rooms}: an array naming at most {@code roomcast.max-rooms-per-client} rooms, else the frame is refused. */
    private JsonNode roomList(ClientFrame frame) {
        JsonNode rooms = Fields.requiredArray(frame.data(), "rooms");
        if (rooms.size() > maxRooms) {
            throw RoomcastException.badRequest("a " + frame.event() + " names at most " + maxRooms + " rooms");
        }
        return rooms;
    }

    private Uni<Void> handleLeave(Session session, ClientFrame frame) {
        JsonNode rooms = roomList(frame);
        ObjectNode data = frames.mapper().createObjectNode();
        ArrayNode left = data.putArray("rooms");
        for (JsonNode item : rooms) {
            if (item.isTextual() && !isAutomatic(item.textValue()) && session.shard().leave(session, item.textValue())) {
                left.add(item.textValue());
            }
        }
        ack(session, frame, data);
        return DONE;
    }

    private Uni<Void> handlePublish(Session session, ClientFrame frame) {
        JsonNode data = frame.data();
        String room = Fields.requiredText(data, "room");
        String event = Fields.requiredText(data, "event");
        RoomName name = RoomNames.parse(room).orElseThrow(() -> RoomcastException.badRequest("malformed room name"));
        if (!EventNames.isEmittable(event)) {
            throw RoomcastException.badRequest("event name is malformed or reserved");
        }
        NamespacePolicy policy = access.policyOf(name);
        if (!policy.publish()) {
            throw RoomcastException.forbidden("namespace " + name.namespace() + " does not allow publish");
        }
        if (!session.memberships().isIn(room)) {
            throw RoomcastException.forbidden("join " + room + " before publishing to it");
        }
        Envelope envelope = new Envelope(node.serverId(), DeliveryType.ROOM, room, event, raw(data.get("data")),
                List.of(session.clientId()), new Sender(session.userId(), session.clientId()), null, frame.traceId(),
                RoomcastMetrics.nowMicros());
        Uni<Void> published = broker.publish(envelope);
        if (frame.id() == null) {
            // Nobody waits for an answer: the broker counts a failure, and the socket moves on to its next frame.
            return DONE;
        }
        // Redis answers on its own thread: the reply (and whatever follows it) belongs on the session's loop.
        return published.emitOn(FrameLoop.current())
                .invoke(() -> ack(session, frame, frames.mapper().createObjectNode()));
    }

    private void ack(Session session, ClientFrame frame, JsonNode data) {
        if (frame.id() != null) {
            session.reply(frames.ack(frame.id(), frame.traceId(), data));
        }
    }

    /**
     * Tokens a frame takes from its event's bucket: a {@code join} one per room it names (at most the rooms a frame may
     * name: a longer one is refused as a whole anyway), any other frame one.
     */
    private int cost(ClientFrame frame) {
        if (frame.kind() != ClientEvent.JOIN || frame.data() == null) {
            return 1;
        }
        JsonNode rooms = frame.data().get("rooms");
        return rooms == null || !rooms.isArray() ? 1 : Math.max(1, Math.min(rooms.size(), maxRooms));
    }

    private boolean rateLimited(Session session, String event, int cost, String id, String traceId, long now) {
        long waitMillis = session.tryAcquire(event, cost, now);
        if (waitMillis == 0) {
            return false;
        }
        metrics.rateLimited(event == null ? ClientEvent.OTHER : event);
        session.reply(frames.error(id, traceId, event, new RoomcastException(ErrorCode.RATE_LIMITED,
                "rate limit exceeded", Map.of("retryAfterMs", waitMillis), 429)));
        session.validFrame(); // not a BAD_REQUEST or UNKNOWN_EVENT answer: the run of invalid frames is broken
        return true;
    }

    private void refuse(Session session, ClientFrame frame, RoomcastException error) {
        refuse(session, frame.id(), frame.traceId(), frame.event(), error);
    }

    private void refuse(Session session, String id, String traceId, String event, RoomcastException error) {
        session.reply(frames.error(id, traceId, event, error));
        if (!error.code().isInvalidInput()) {
            session.validFrame();
        } else if (session.invalidFrame() >= MAX_INVALID_RUN) {
            LOG.debugf("%s: %d invalid frames in a row", session, MAX_INVALID_RUN);
            session.close(CloseCode.POLICY_VIOLATION);
        }
    }

    private String raw(JsonNode value) {
        if (value == null) {
            return null;
        }
        try {
            return frames.mapper().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a parsed JSON tree could not be written back", e);
        }
    }

    private static boolean isAutomatic(String room) {
        return room.startsWith(RoomNames.USER_NAMESPACE + ":") || room.startsWith(RoomNames.CLIENT_NAMESPACE + ":");
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
}
