package dev.roomcast.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.roomcast.error.RoomcastException;
import dev.roomcast.hub.Hub;
import dev.roomcast.node.Drain;
import dev.roomcast.presence.Presence;
import dev.roomcast.protocol.NodeIdentity;
import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * The nodes listing (PROTOCOL.md section 12): every pod writes its figures next to its presence lease every
 * {@link #EVERY} (so they are at most that old), and a listing reads those of the pods whose lease lives: a dead pod
 * drops out within the presence TTL, a stopping one as it retires its lease, and a draining one says so until then.
 */
@ApplicationScoped
public class NodeDirectory {

    private static final Logger LOG = Logger.getLogger(NodeDirectory.class);

    static final String EVERY = "2s";

    private final Hub hub;
    private final Presence presence;
    private final Drain drain;
    private final NodeIdentity node;
    private final ObjectMapper mapper;
    private final String startedAt = Instant.now().toString();

    NodeDirectory(Hub hub, Presence presence, Drain drain, NodeIdentity node, ObjectMapper mapper) {
        this.hub = hub;
        this.presence = presence;
        this.drain = drain;
        this.node = node;
        this.mapper = mapper;
    }

    @Scheduled(every = EVERY, concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> describe() {
        return describe(drain.isDraining());
    }

    /** A drain may be shorter than the interval: the listing hears of it at once. */
    void draining(@Observes ShutdownDelayInitiatedEvent event) {
        describe(true).subscribe().with(ignored -> {});
    }

    private Uni<Void> describe(boolean draining) {
        return hub.census()
                .chain(census -> presence.describe(json(new NodeInfo(
                        node.serverId(), hub.connectionCount(), census.users(), census.rooms(), startedAt, draining))))
                .onFailure()
                .recoverWithItem(failure -> {
                    LOG.debugf("node figures not written: %s", failure.getMessage());
                    return null;
                });
    }

    /** Every live pod, by server id. */
    public Uni<List<NodeInfo>> nodes() {
        return presence.nodes()
                .onFailure()
                .transform(failure -> RoomcastException.unavailable("the pods' figures cannot be read (Redis)"))
                .map(found -> {
                    List<NodeInfo> nodes = new ArrayList<>(found.size());
                    for (String figures : found) {
                        try {
                            nodes.add(mapper.readValue(figures, NodeInfo.class));
                        } catch (JsonProcessingException e) {
                            LOG.debugf("unreadable node figures skipped: %s", e.getMessage());
                        }
                    }
                    nodes.sort(Comparator.comparing(NodeInfo::pod));
                    return nodes;
                });
    }

    private String json(NodeInfo info) {
        try {
            return mapper.writeValueAsString(info);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
