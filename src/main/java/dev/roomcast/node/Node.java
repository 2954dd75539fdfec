package dev.roomcast.node;

import dev.roomcast.RoomcastConfig;
import dev.roomcast.broker.Broker;
import dev.roomcast.broker.BrokerEventHandler;
import dev.roomcast.broker.Publisher;
import dev.roomcast.hub.Hub;
import dev.roomcast.presence.Presence;
import dev.roomcast.protocol.ClientCommand;
import dev.roomcast.protocol.Envelope;
import dev.roomcast.protocol.NodeIdentity;
import dev.roomcast.protocol.PodMessage;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * The pod: wires the hub (local delivery), the broker (the other pods) and presence. Every outbound event goes through
 * {@link #publish}: delivered to this pod's recipients and handed to the broker; what the broker receives from other
 * pods comes back through {@link #onPublication} to the same local delivery. One path, whatever the backend.
 */
@ApplicationScoped
public class Node implements Publisher, BrokerEventHandler {

    private static final Logger LOG = Logger.getLogger(Node.class);
    /** How long a stopping pod waits to take its clients out of presence before the lease does it. */
    private static final Duration PRESENCE_RETIRE_WAIT = Duration.ofSeconds(2);

    private final Hub hub;
    private final Broker broker;
    private final Presence presence;
    private final NodeIdentity identity;
    private final RoomcastConfig config;
    private final Event<ClientCommand> commands;
    /** Administration notices and {@link LinkResumed}, for whoever acts on them (the admin package). */
    private final Event<Object> notices;

    Node(
            Hub hub,
            Broker broker,
            Presence presence,
            NodeIdentity identity,
            RoomcastConfig config,
            Event<ClientCommand> commands,
            Event<Object> notices) {
        this.hub = hub;
        this.commands = commands;
        this.notices = notices;
        this.broker = broker;
        this.presence = presence;
        this.identity = identity;
        this.config = config;
    }

    @Override
    public Uni<Void> publish(Envelope envelope) {
        hub.deliver(envelope);
        return broker.publish(envelope);
    }

    @Override
    public void onPublication(Envelope envelope) {
        hub.deliver(envelope);
    }

    /**
     * Fired as a CDI event: the transport holding SSE sessions observes it, and the node need not know which transport
     * that is.
     */
    @Override
    public void onCommand(ClientCommand command) {
        commands.fire(command);
    }

    /** Fired as a CDI event of the notice's own type ({@code Disconnect}, {@code RevocationNotice}). */
    @Override
    public void onNotice(PodMessage notice) {
        notices.fire(notice);
    }

    @Override
    public void onResumed() {
        notices.fire(new LinkResumed());
    }

    void start(@Observes StartupEvent event) {
        LOG.infof(
                "Roomcast node %s starting with the %s broker",
                identity.serverId(), config.broker().name().toLowerCase());
        broker.start(this);
        presence.start();
    }

    void stop(@Observes ShutdownEvent event) {
        try {
            presence.stop().await().atMost(PRESENCE_RETIRE_WAIT);
        } catch (RuntimeException e) {
            LOG.warnf("presence not retired (%s); the other pods will when this pod's lease expires", e.getMessage());
        }
        broker.stop();
    }
}
