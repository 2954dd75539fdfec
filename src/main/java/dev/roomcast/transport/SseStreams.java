package dev.roomcast.transport;

import dev.roomcast.broker.StreamDirectory;
import dev.roomcast.observability.DropReason;
import dev.roomcast.observability.RoomcastMetrics;
import dev.roomcast.protocol.ClientCommand;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * This pod's SSE sessions by client id: where POSTed frames go, whether the POST reached this pod or another one that
 * forwarded them ({@link ClientCommand}). Every session is also listed in the cluster's {@link StreamDirectory}.
 */
@ApplicationScoped
class SseStreams {

    private static final Logger LOG = Logger.getLogger(SseStreams.class);

    private final Map<String, SseInbox> streams = new ConcurrentHashMap<>();
    private final StreamDirectory directory;
    private final RoomcastMetrics metrics;

    SseStreams(StreamDirectory directory, RoomcastMetrics metrics) {
        this.directory = directory;
        this.metrics = metrics;
    }

    void opened(SseInbox inbox) {
        String clientId = inbox.clientId();
        streams.put(clientId, inbox);
        directory.held(clientId, inbox.userId());
    }

    void ended(SseInbox inbox) {
        String clientId = inbox.clientId();
        if (streams.remove(clientId, inbox)) {
            directory.released(clientId);
        }
    }

    /** @return this pod's session of that id, or null */
    SseInbox find(String clientId) {
        return streams.get(clientId);
    }

    /**
     * Frames another pod accepted for a session of this one, in the order that pod published them. A session that ended
     * meanwhile drops them, as a closed socket would; a session of another user than the POST's never runs them.
     */
    void onCommand(@Observes ClientCommand command) {
        SseInbox inbox = streams.get(command.clientId());
        if (inbox == null) {
            metrics.dropped(DropReason.CLOSED);
            LOG.debugf("frames for %s, which is not (or no longer) here", command.clientId());
            return;
        }
        if (!command.userId().equals(inbox.userId())) {
            metrics.dropped(DropReason.INVALID);
            LOG.warnf(
                    "frames of user %s for a session of another user, from pod %s",
                    command.userId(), command.serverId());
            return;
        }
        if (!inbox.offer(command.frames())) {
            inbox.refuse(command.frames());
        }
    }
}
