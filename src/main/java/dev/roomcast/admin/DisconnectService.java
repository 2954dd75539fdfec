package dev.roomcast.admin;

import dev.roomcast.broker.Broker;
import dev.roomcast.protocol.Disconnect;
import dev.roomcast.protocol.NodeIdentity;
import dev.roomcast.session.Sessions;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Ends sessions now (PROTOCOL.md section 12): every session of a user, on every pod (this one at once, the others
 * through the user's channel, which exactly the pods holding one hear), or one client's, on the pod that holds it (its
 * client channel). Closed with 4006 and the reason, WebSocket and SSE alike.
 */
@ApplicationScoped
public class DisconnectService {

    private final Sessions sessions;
    private final Broker broker;
    private final NodeIdentity node;

    DisconnectService(Sessions sessions, Broker broker, NodeIdentity node) {
        this.sessions = sessions;
        this.broker = broker;
        this.node = node;
    }

    public Uni<Void> disconnectUser(String userId, String reason) {
        sessions.disconnectUser(userId, reason);
        return broker.announce(new Disconnect(node.serverId(), userId, null, reason))
                .replaceWithVoid();
    }

    public Uni<Void> disconnectClient(String clientId, String reason) {
        String holder = NodeIdentity.serverIdOf(clientId);
        if (node.serverId().equals(holder)) {
            sessions.disconnectClient(clientId, reason);
            return Uni.createFrom().voidItem();
        }
        if (holder == null) {
            return Uni.createFrom().voidItem(); // no pod ever made such an id: nothing to end
        }
        return broker.announce(new Disconnect(node.serverId(), null, clientId, reason))
                .replaceWithVoid();
    }

    /** Another pod's disconnect, for sessions of this pod. */
    void noticed(@Observes Disconnect disconnect) {
        if (disconnect.userId() != null) {
            sessions.disconnectUser(disconnect.userId(), disconnect.reason());
        } else {
            sessions.disconnectClient(disconnect.clientId(), disconnect.reason());
        }
    }
}
