package dev.roomcast.broker;

import dev.roomcast.protocol.Envelope;
import io.smallrye.mutiny.Uni;

/**
 * How anything in the pod sends an event: to this pod's recipients at once and to every other pod through the broker.
 * Implemented by the node; components that emit (chat, sessions, presence, the emit API) depend on this, not on the
 * node.
 */
public interface Publisher {

    /** Delivers locally at once and hands the envelope to the other pods; fails when they could not be reached. */
    Uni<Void> publish(Envelope envelope);
}
