package dev.roomcast.broker;

import dev.roomcast.protocol.ClientCommand;
import dev.roomcast.protocol.Envelope;
import dev.roomcast.protocol.PodMessage;

/**
 * Where a broker hands what other pods (and emitters) published: implemented by the node, so that the broker never sees
 * the hub (centrifuge's {@code BrokerEventHandler}).
 */
public interface BrokerEventHandler {

    /** An envelope from another pod or an emitter, already decoded and checked. */
    void onPublication(Envelope envelope);

    /** Client frames for an SSE session of this pod, POSTed to another pod; signed by that pod. */
    void onCommand(ClientCommand command);

    /** An administration notice from another pod ({@link dev.roomcast.protocol.Disconnect}, a revocation); signed. */
    void onNotice(PodMessage notice);

    /**
     * The broadcast channel is heard (again): at start, and after every loss of the link. What other pods announced
     * meanwhile is lost, so whatever state their notices keep current must be read anew.
     */
    void onResumed();
}
