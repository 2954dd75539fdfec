package dev.roomcast.broker;

import io.smallrye.mutiny.Uni;

/**
 * Links the pods. Every outbound event goes through {@link #publish}, which delivers to this pod's recipients
 * and to every other pod; what other pods publish reaches this pod's hub through the same delivery path.
 * Both methods act at once (they are not lazy): the returned Unis only report the outcome.
 */
public interface Broker {

    /**
     * Registers one unit of this pod's interest in a channel. Completes once events published on the channel from
     * now on reach this pod. Every call is balanced by one {@link #unsubscribe}, whatever its outcome.
     */
    Uni<Void> subscribe(String channel);

    /** Releases one unit of interest; the pod stops receiving the channel when none is left. */
    void unsubscribe(String channel);

    /** Delivers locally at once and to the other pods; fails when the other pods could not be reached. */
    Uni<Void> publish(Envelope envelope);

    /** Whether the broker can reach the other pods now (readiness). */
    boolean isConnected();
}
