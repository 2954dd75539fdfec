package dev.roomcast.session;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.roomcast.RoomcastConfig;
import dev.roomcast.error.ErrorCode;
import dev.roomcast.error.ErrorMapper;
import dev.roomcast.error.RoomcastException;
import dev.roomcast.hub.HubShard;
import dev.roomcast.protocol.Channels;
import dev.roomcast.protocol.ClientFrame;
import dev.roomcast.protocol.JoinRequest;
import dev.roomcast.protocol.LeaveRequest;
import dev.roomcast.protocol.ServerFrames;
import dev.roomcast.protocol.Since;
import dev.roomcast.room.RoomAccess;
import dev.roomcast.room.RoomHistory;
import dev.roomcast.room.RoomName;
import dev.roomcast.room.RoomNames;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/** {@code join} and {@code leave} (PROTOCOL.md section 3, recovery of 5.3). */
@ApplicationScoped
class JoinCommands {

    private static final Uni<Void> DONE = Uni.createFrom().voidItem();

    private final RoomAccess access;
    private final Instance<RoomHistory> history;
    private final Replay replay;
    private final ServerFrames frames;
    private final Replies replies;
    private final int maxRooms;

    JoinCommands(
            RoomAccess access,
            Instance<RoomHistory> history,
            Replay replay,
            ServerFrames frames,
            Replies replies,
            RoomcastConfig config) {
        this.access = access;
        this.history = history;
        this.replay = replay;
        this.frames = frames;
        this.replies = replies;
        this.maxRooms = config.maxRoomsPerClient();
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
    Uni<Void> join(Session session, ClientFrame frame) {
        JoinRequest request = JoinRequest.from(frame.data(), frame.event(), maxRooms);
        List<JoinOutcome> outcomes = new ArrayList<>(request.rooms().size());
        Map<String, JoinOutcome> firstByName = new LinkedHashMap<>();
        List<Supplier<Uni<Void>>> checks = new ArrayList<>();
        for (JoinRequest.Entry entry : request.rooms()) {
            if (!entry.isName()) {
                outcomes.add(
                        new JoinOutcome(entry.name()).refuse(RoomcastException.badRequest("room names are strings")));
                continue;
            }
            String name = entry.name();
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
                outcome.since = outcome.hasHistory() ? request.since(name) : null;
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
            checks.add(() -> recordRefusal(
                    access.checkJoin(
                            outcome.policy, parsedName, session.userId(), session.clientId(), session.isAdmin()),
                    outcome));
        }
        Collection<JoinOutcome> distinct = firstByName.values();
        FrameLoop loop = FrameLoop.current();
        return inTurn(checks)
                .emitOn(loop)
                .chain(() -> reserveWithinLimit(session, distinct))
                .emitOn(loop)
                .invoke(() -> enterPending(session, distinct))
                .chain(() -> readPositions(session, distinct))
                .emitOn(loop)
                .chain(() -> finish(session, frame, outcomes, distinct, loop));
    }

    /** Leaves the rooms named (not the automatic ones); the ack lists those actually left. */
    Uni<Void> leave(Session session, ClientFrame frame) {
        LeaveRequest request = LeaveRequest.from(frame.data(), frame.event(), maxRooms);
        ObjectNode data = replies.object();
        ArrayNode left = data.putArray("rooms");
        for (String room : request.rooms()) {
            if (!isAutomatic(room) && session.shard().leave(session, room)) {
                left.add(room);
            }
        }
        replies.ack(session, frame, data);
        return DONE;
    }

    private Uni<Void> reserveWithinLimit(Session session, Iterable<JoinOutcome> distinctOutcomes) {
        int budget = maxRooms - session.memberships().joinedCount();
        List<Uni<Void>> reservations = new ArrayList<>();
        for (JoinOutcome outcome : distinctOutcomes) {
            if (!outcome.needsMembership || outcome.error != null) {
                continue;
            }
            if (budget <= 0) {
                outcome.refuse(new RoomcastException(
                        ErrorCode.LIMIT_EXCEEDED, "a connection may be in at most " + maxRooms + " rooms"));
                continue;
            }
            budget--;
            outcome.reserved = true;
            reservations.add(recordRefusal(
                    session.shard().reserve(outcome.room, Channels.room(outcome.room), outcome.hasHistory()), outcome));
        }
        return reservations.isEmpty()
                ? DONE
                : Uni.join().all(reservations).andFailFast().replaceWithVoid();
    }

    private void enterPending(Session session, Iterable<JoinOutcome> distinctOutcomes) {
        HubShard shard = session.shard();
        for (JoinOutcome outcome : distinctOutcomes) {
            if (!outcome.reserved) {
                continue;
            }
            outcome.reserved = false;
            if (outcome.error == null) {
                shard.commitPending(
                        session,
                        outcome.room,
                        Channels.room(outcome.room),
                        outcome.hasHistory(),
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
                reads.add(() -> recordRefusal(
                        history.get()
                                .position(name, since, session.userId(), session.isAdmin())
                                .invoke(position -> outcome.position = position)
                                .replaceWithVoid(),
                        outcome));
            }
        }
        return inTurn(reads);
    }

    private Uni<Void> finish(
            Session session,
            ClientFrame frame,
            List<JoinOutcome> outcomes,
            Collection<JoinOutcome> distinct,
            FrameLoop loop) {
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
        if (frame.id() != null) {
            ObjectNode data = replies.object();
            ArrayNode results = data.putArray("rooms");
            for (JoinOutcome outcome : outcomes) {
                outcome.writeTo(results.addObject());
            }
            replies.ack(session, frame, data);
        } else {
            for (JoinOutcome outcome : outcomes) {
                if (outcome.error != null) {
                    RoomcastException named = new RoomcastException(
                            outcome.error.code(), outcome.room + ": " + outcome.error.getMessage());
                    session.reply(frames.error(null, frame.traceId(), frame.event(), named));
                }
            }
        }
        Uni<Void> chain = DONE;
        for (JoinOutcome outcome : distinct) {
            if (outcome.pending) {
                outcome.pending = false;
                chain = chain.chain(() -> replay.recover(session, outcome.room, outcome.position, loop))
                        .invoke(() -> shard.completeJoin(
                                session, outcome.room, outcome.position == null ? -1 : outcome.position.lastOffset()));
            }
        }
        // A replay that could not finish closed the session (4008): the frame itself was answered.
        return chain.onFailure().recoverWithNull().replaceWithVoid();
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

    private static Uni<Void> recordRefusal(Uni<Void> step, JoinOutcome outcome) {
        return step.onFailure().recoverWithItem(failure -> {
            outcome.refuse(ErrorMapper.map(failure));
            return null;
        });
    }

    private static boolean isAutomatic(String room) {
        return room.startsWith(RoomNames.USER_NAMESPACE + ":") || room.startsWith(RoomNames.CLIENT_NAMESPACE + ":");
    }
}
