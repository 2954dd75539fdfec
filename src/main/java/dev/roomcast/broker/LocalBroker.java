package dev.roomcast.broker;

import dev.roomcast.protocol.ClientCommand;
import dev.roomcast.protocol.Envelope;
import dev.roomcast.protocol.PodMessage;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Typed;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The single-pod broker ({@code roomcast.broker=local}): there is no other pod, so there is nothing to send and every
 * channel's events are this pod's already. It still counts interest, as a Redis broker would subscribe, so that what a
 * pod holds per channel is the same account in both modes.
 */
@ApplicationScoped
@Typed(LocalBroker.class)
public class LocalBroker implements Broker {

    private static final Uni<Integer> NONE_HEARD = Uni.createFrom().item(0);
    private static final Uni<Void> DONE = Uni.createFrom().voidItem();

    private final Map<String, Integer> interest = new ConcurrentHashMap<>();

    @Override
    public void start(BrokerEventHandler handler) {
        // No other pod will ever publish.
    }

    @Override
    public void stop() {}

    @Override
    public Uni<Void> subscribe(String channel) {
        interest.merge(channel, 1, Integer::sum);
        return DONE;
    }

    @Override
    public void unsubscribe(String channel) {
        interest.computeIfPresent(channel, (ignored, units) -> units > 1 ? units - 1 : null);
    }

    /** Units of interest the pod holds in the channel now. */
    public int interest(String channel) {
        return interest.getOrDefault(channel, 0);
    }

    @Override
    public Uni<Void> publish(Envelope envelope) {
        return DONE;
    }

    /** No other pod holds a session: the caller finds every session of this pod itself. */
    @Override
    public Uni<Void> send(ClientCommand command) {
        return Uni.createFrom().failure(new IllegalStateException("a single pod has no other pod to send to"));
    }

    /** No other pod to tell: this pod acts on its notices itself. */
    @Override
    public Uni<Integer> announce(PodMessage notice) {
        return NONE_HEARD;
    }

    @Override
    public boolean isConnected() {
        return true;
    }
}
