package dev.roomcast.broker;

import dev.roomcast.hub.Hub;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Typed;

/** The single-pod broker ({@code roomcast.broker=local}): there is no other pod, so publishing is local delivery. */
@ApplicationScoped
@Typed(LocalBroker.class)
public class LocalBroker implements Broker {

    private static final Uni<Void> DONE = Uni.createFrom().voidItem();

    private final Hub hub;

    LocalBroker(Hub hub) {
        this.hub = hub;
    }

    @Override
    public Uni<Void> subscribe(String channel) {
        return DONE;
    }

    @Override
    public void unsubscribe(String channel) {
        // Nothing to release: every local event is delivered locally anyway.
    }

    @Override
    public Uni<Void> publish(Envelope envelope) {
        hub.deliver(envelope);
        return DONE;
    }

    @Override
    public boolean isConnected() {
        return true;
    }
}
