package dev.roomcast.chat;

import dev.roomcast.broker.Publisher;
import dev.roomcast.observability.RoomcastMetrics;
import dev.roomcast.protocol.DeliveryType;
import dev.roomcast.protocol.Envelope;
import dev.roomcast.protocol.NodeIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Makes a committed outcome known: room events (with their offsets) to the room on every pod, user events to the
 * user's sessions. Called only after the commit, so nothing is delivered that could still roll back. A failure to
 * reach Redis loses nothing: the room events are in the log, where pods and recovering clients find them.
 */
@ApplicationScoped
public class ChatPublisher {

    private static final Logger LOG = Logger.getLogger(ChatPublisher.class);

    private final Publisher events;
    private final NodeIdentity node;

    ChatPublisher(Publisher events, NodeIdentity node) {
        this.events = events;
        this.node = node;
    }

    public Uni<Void> publish(ChatOutcome<?> outcome, String traceId) {
        if (outcome.roomEvents().isEmpty() && outcome.userEvents().isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        long acceptedAt = RoomcastMetrics.nowMicros();
        List<Uni<Void>> sent = new ArrayList<>(
                outcome.roomEvents().size() + outcome.userEvents().size());
        // In offset order, on the broker's single publishing connection: one pod's events leave in that order.
        for (PersistedEvent event : outcome.roomEvents()) {
            sent.add(events.publish(new Envelope(
                    node.serverId(),
                    DeliveryType.ROOM,
                    event.room(),
                    event.event(),
                    event.data(),
                    List.of(),
                    null,
                    event.offset(),
                    traceId,
                    acceptedAt,
                    event.removesMembers() ? event.room() : null,
                    false)));
        }
        for (UserEvent event : outcome.userEvents()) {
            sent.add(events.publish(new Envelope(
                    node.serverId(),
                    DeliveryType.USER,
                    event.userId(),
                    event.event(),
                    event.data(),
                    List.of(),
                    null,
                    null,
                    traceId,
                    acceptedAt,
                    event.leave(),
                    event.sparesAdmins())));
        }
        return Uni.join()
                .all(sent)
                .andCollectFailures()
                .replaceWithVoid()
                .onFailure()
                .recoverWithUni(failure -> {
                    LOG.warnf(
                            "committed chat events not handed to Redis (%s); other pods will read them from the log",
                            failure.getMessage());
                    return Uni.createFrom().voidItem();
                });
    }
}
