package dev.roomcast.chat;

import java.util.ArrayList;
import java.util.List;

import dev.roomcast.broker.Broker;
import dev.roomcast.broker.DeliveryType;
import dev.roomcast.broker.Envelope;
import dev.roomcast.node.NodeIdentity;
import dev.roomcast.observability.RoomcastMetrics;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * Makes a committed outcome known: room events (with their offsets) to the room on every pod, user events to the
 * user's sessions. Called only after the commit, so nothing is delivered that could still roll back. A failure to
 * reach Redis loses nothing: the room events are in the log, where pods and recovering clients find them.
 */
@ApplicationScoped
public class ChatPublisher {

    private static final Logger LOG = Logger.getLogger(ChatPublisher.class);

    private final Broker broker;
    private final NodeIdentity node;

    ChatPublisher(Broker broker, NodeIdentity node) {
        this.broker = broker;
        this.node = node;
    }

    public Uni<Void> publish(ChatOutcome outcome, String traceId) {
        if (outcome.roomEvents().isEmpty() && outcome.userEvents().isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        long acceptedAt = RoomcastMetrics.nowMicros();
        List<Uni<Void>> sent = new ArrayList<>(outcome.roomEvents().size() + outcome.userEvents().size());
        // In offset order, on the broker's single publishing connection: one pod's events leave in that order.
        for (PersistedEvent event : outcome.roomEvents()) {
            sent.add(broker.publish(new Envelope(node.serverId(), DeliveryType.ROOM, event.room(), event.event(),
                    event.data(), List.of(), null, event.offset(), traceId, acceptedAt,
                    event.removesMembers() ? event.room() : null, false)));
        }
        for (UserEvent event : outcome.userEvents()) {
            sent.add(broker.publish(new Envelope(node.serverId(), DeliveryType.USER, event.userId(), event.event(),
                    event.data(), List.of(), null, null, traceId, acceptedAt, event.leave(), event.sparesAdmins())));
        }
        return Uni.join().all(sent).andCollectFailures().replaceWithVoid().onFailure().recoverWithUni(failure -> {
            LOG.warnf("committed chat events not handed to Redis (%s); other pods will read them from the log",
                    failure.getMessage());
            return Uni.createFrom().voidItem();
        });
    }
}
