package dev.roomcast.room;

import dev.roomcast.RoomcastConfig;
import dev.roomcast.RoomcastConfig.JoinRule;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.HashMap;
import java.util.Map;

/** The namespaces this pod knows: the configured ones and the built-in automatic {@code user} and {@code client}. */
@ApplicationScoped
public class Namespaces {

    private final Map<String, NamespacePolicy> policies = new HashMap<>();

    Namespaces(RoomcastConfig config) {
        config.namespaces()
                .forEach((name, ns) -> policies.put(
                        name, new NamespacePolicy(name, ns.join(), ns.publish(), ns.history(), ns.presence(), false)));
        // Built in: their semantics are the protocol's, not a setting.
        policies.put(
                RoomNames.USER_NAMESPACE,
                new NamespacePolicy(RoomNames.USER_NAMESPACE, JoinRule.ANY, false, false, false, true));
        policies.put(
                RoomNames.CLIENT_NAMESPACE,
                new NamespacePolicy(RoomNames.CLIENT_NAMESPACE, JoinRule.ANY, false, false, false, true));
    }

    /** @return the namespace's policy, or {@code null} when the namespace is unknown */
    public NamespacePolicy find(String namespace) {
        return policies.get(namespace);
    }
}
