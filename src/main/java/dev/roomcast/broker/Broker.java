package dev.roomcast.broker;

import dev.roomcast.protocol.ClientCommand;
import dev.roomcast.protocol.Disconnect;
import dev.roomcast.protocol.Envelope;
import dev.roomcast.protocol.PodMessage;
import dev.roomcast.protocol.RevocationNotice;
import io.smallrye.mutiny.Uni;

/**
 * Links this pod to the others: what this pod publishes reaches them, and what they publish on channels this pod has
 * an interest in reaches this pod's {@link BrokerEventHandler}. The broker never delivers to this pod's own clients:
 * that is the node's, on one path for local and remote events alike. The methods act at once (they are not lazy): the
 * returned Unis only report the outcome.
 */
public interface Broker {

    /** Starts the link: from now on, what other pods publish is handed to the handler. */
    void start(BrokerEventHandler handler);

    void stop();

    /**
     * Registers one unit of this pod's interest in a channel. Completes once events published on the channel from
     * now on reach this pod. Every call is balanced by one {@link #unsubscribe}, whatever its outcome.
     */
    Uni<Void> subscribe(String channel);

    /** Releases one unit of interest; the pod stops receiving the channel when none is left. */
    void unsubscribe(String channel);

    /** Hands the envelope to the other pods; fails when they could not be reached. */
    Uni<Void> publish(Envelope envelope);

    /**
     * Hands client frames to the pod that holds their SSE session (on the session's client channel, in the order of
     * the calls); fails when that pod could not be reached.
     */
    Uni<Void> send(ClientCommand command);

    /**
     * Hands an administration notice ({@link Disconnect}, {@link RevocationNotice}, a sessions query or reply) to the
     * other pods, on its channel; fails when they could not be reached. This pod acts on it itself. The item is how many
     * pods heard it (each pod subscribes to a channel once), 0 with no other pod.
     */
    Uni<Integer> announce(PodMessage notice);

    /** Whether the broker can reach the other pods now (readiness). */
    boolean isConnected();
}
