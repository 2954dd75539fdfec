package dev.roomcast.chat;

import dev.roomcast.RoomcastConfig;
import dev.roomcast.hub.OffsetSource;
import dev.roomcast.hub.StreamPosition;
import dev.roomcast.observability.RoomcastMetrics;
import dev.roomcast.protocol.DeliveryType;
import dev.roomcast.protocol.Envelope;
import dev.roomcast.protocol.NodeIdentity;
import dev.roomcast.protocol.Since;
import dev.roomcast.room.JoinPosition;
import dev.roomcast.room.RoomHistory;
import dev.roomcast.room.RoomName;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Recovery by offset (PROTOCOL.md 5.3) from the room's event log: a {@code since} with the room's epoch whose missed
 * events are all still retained, and at most {@code roomcast.history.max-replay} of them, is recovered with exactly those
 * events, in order, read a page at a time; anything else is not, and the client reloads over REST. Also where each pod's offset sequencer learns where its rooms stand and fills its gaps.
 */
@ApplicationScoped
public class ChatHistory implements RoomHistory, OffsetSource {

    /** Rooms per position query: well below PostgreSQL's bind-parameter limit. */
    private static final int POSITIONS_PER_QUERY = 1000;

    private final RoomRepository rooms;
    private final RoomEventRepository events;
    private final ChatMembership membership;
    private final NodeIdentity node;
    private final Vertx vertx;
    private final Duration maxAge;
    private final long maxEvents;
    private final int maxReplay;

    ChatHistory(
            RoomRepository rooms,
            RoomEventRepository events,
            ChatMembership membership,
            NodeIdentity node,
            Vertx vertx,
            RoomcastConfig config) {
        this.rooms = rooms;
        this.events = events;
        this.membership = membership;
        this.node = node;
        this.vertx = vertx;
        this.maxAge = config.history().maxAge();
        this.maxEvents = config.history().maxEvents();
        this.maxReplay = config.history().maxReplay();
    }

    @Override
    public Uni<JoinPosition> position(RoomName name, Since since, String userId, boolean admin) {
        return Panache.withSession(() -> membership
                .requireAllowed(userId, admin, name.full())
                .flatMap(room -> {
                    JoinPosition unrecovered = new JoinPosition(room.lastOffset, room.epoch, false, room.lastOffset);
                    if (since == null
                            || !room.epoch.equals(since.epoch())
                            || since.offset() > room.lastOffset
                            || room.lastOffset - since.offset() > Math.min(maxEvents, maxReplay)) {
                        return Uni.createFrom().item(unrecovered);
                    }
                    JoinPosition recovered = new JoinPosition(room.lastOffset, room.epoch, true, since.offset());
                    if (since.offset() == room.lastOffset) {
                        return Uni.createFrom().item(recovered);
                    }
                    // Every offset up to lastOffset was committed with it; one missing now was pruned (or is past the
                    // age limit),
                    // and then the client cannot recover by replay.
                    OffsetDateTime cutoff = ChatService.now().minus(maxAge);
                    return events.countRetained(room.name, since.offset(), room.lastOffset, cutoff)
                            .map(retained -> retained == room.lastOffset - since.offset() ? recovered : unrecovered);
                }));
    }

    @Override
    public Uni<List<Envelope>> replay(String room, long after, long until, int limit) {
        return Panache.withSession(() -> events.page(room, after, until, limit))
                .map(found -> found.stream().map(this::envelope).toList());
    }

    @Override
    public Uni<Map<String, StreamPosition>> positions(Collection<String> names) {
        List<List<String>> chunks = new ArrayList<>();
        List<String> all = List.copyOf(names);
        for (int from = 0; from < all.size(); from += POSITIONS_PER_QUERY) {
            chunks.add(all.subList(from, Math.min(all.size(), from + POSITIONS_PER_QUERY)));
        }
        return DuplicatedContexts.call(
                vertx,
                () -> Panache.withSession(() -> Multi.createFrom()
                        .iterable(chunks)
                        .onItem()
                        .transformToUniAndConcatenate(rooms::positions)
                        .collect()
                        .in(HashMap<String, StreamPosition>::new, Map::putAll)));
    }

    /** The events strictly after {@code after}, up to {@code until}, as envelopes, and the room's position: for gap fills. */
    @Override
    public Uni<LogSlice> between(String room, long after, long until) {
        return DuplicatedContexts.call(
                vertx,
                () -> Panache.withSession(() -> rooms.positions(List.of(room))
                        .flatMap(now -> events.between(room, after, until)
                                .map(found -> new LogSlice(
                                        found.stream().map(this::envelope).toList(), now.get(room))))));
    }

    private Envelope envelope(RoomEvent event) {
        return new Envelope(
                node.serverId(),
                DeliveryType.ROOM,
                event.room,
                event.event,
                event.data,
                List.of(),
                null,
                event.offset,
                null,
                RoomcastMetrics.nowMicros());
    }
}
