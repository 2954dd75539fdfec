package dev.roomcast.chat;

import java.time.Duration;
import java.util.List;

import dev.roomcast.RoomcastConfig;
import dev.roomcast.broker.DeliveryType;
import dev.roomcast.broker.Envelope;
import dev.roomcast.error.RoomcastException;
import dev.roomcast.hub.OffsetSource;
import dev.roomcast.node.NodeIdentity;
import dev.roomcast.observability.RoomcastMetrics;
import dev.roomcast.room.JoinPosition;
import dev.roomcast.room.RoomHistory;
import dev.roomcast.room.RoomName;
import dev.roomcast.room.Since;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Recovery by offset (PROTOCOL.md 5.3) from the room's event log: a {@code since} with the room's epoch whose missed
 * events are all still retained is recovered with exactly those events, in order; anything else is not, and the
 * client reloads over REST. Also where each pod's offset sequencer starts a room's stream and fills its gaps.
 */
@ApplicationScoped
public class ChatHistory implements RoomHistory, OffsetSource {

    private final RoomRepository rooms;
    private final RoomEventRepository events;
    private final NodeIdentity node;
    private final Vertx vertx;
    private final Duration maxAge;

    ChatHistory(RoomRepository rooms, RoomEventRepository events, NodeIdentity node, Vertx vertx, RoomcastConfig config) {
        this.rooms = rooms;
        this.events = events;
        this.node = node;
        this.vertx = vertx;
        this.maxAge = config.history().maxAge();
    }

    @Override
    public Uni<JoinPosition> position(RoomName name, Since since) {
        return Panache.withSession(() -> rooms.findById(name.full()).flatMap(room -> {
            if (room == null) {
                throw RoomcastException.notFound("room " + name + " does not exist");
            }
            JoinPosition unrecovered = new JoinPosition(room.lastOffset, room.epoch, false, List.of());
            if (since == null || !room.epoch.equals(since.epoch()) || since.offset() < 0
                    || since.offset() > room.lastOffset) {
                return Uni.createFrom().item(unrecovered);
            }
            if (since.offset() == room.lastOffset) {
                return Uni.createFrom().item(new JoinPosition(room.lastOffset, room.epoch, true, List.of()));
            }
            return events.oldestOffset(room.name, ChatService.now().minus(maxAge)).flatMap(oldest -> {
                if (oldest == null || oldest > since.offset() + 1) {
                    return Uni.createFrom().item(unrecovered); // retention no longer covers the gap
                }
                return events.between(room.name, since.offset(), room.lastOffset).map(missed -> new JoinPosition(
                        room.lastOffset, room.epoch, true, missed.stream().map(this::envelope).toList()));
            });
        }));
    }

    @Override
    public Uni<Long> lastOffset(String room) {
        return DuplicatedContexts.call(vertx, () -> Panache.withSession(() -> rooms.findById(room)))
                .map(found -> found == null ? 0L : found.lastOffset);
    }

    /** The events strictly after {@code after}, up to {@code until}, as envelopes: for pods filling a gap. */
    @Override
    public Uni<List<Envelope>> between(String room, long after, long until) {
        return DuplicatedContexts.call(vertx, () -> Panache.withSession(() -> events.between(room, after, until)))
                .map(found -> found.stream().map(this::envelope).toList());
    }

    private Envelope envelope(RoomEvent event) {
        return new Envelope(node.serverId(), DeliveryType.ROOM, event.room, event.event, event.data, List.of(), null,
                event.offset, null, RoomcastMetrics.nowMicros());
    }
}
