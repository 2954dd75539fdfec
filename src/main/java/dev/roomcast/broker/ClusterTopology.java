package dev.roomcast.broker;

import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Which master serves each hash slot of a Redis Cluster, as one node answered {@code CLUSTER SLOTS}. Nodes are named
 * by connection string ({@link RedisClientOptions#endpoint}). A slot no master serves (a cluster being set up, or
 * one that lost a master with no replica) has none.
 */
final class ClusterTopology {

    private final String[] masterBySlot;
    private final List<String> nodes;

    private ClusterTopology(String[] masterBySlot, List<String> nodes) {
        this.masterBySlot = masterBySlot;
        this.nodes = nodes;
    }

    /**
     * Reads a {@code CLUSTER SLOTS} reply: per range, start, end, then the master and its replicas as (host, port,
     * id, ...). A node that names no host (Redis 7 answers null for an endpoint it does not know or
     * hides, {@code cluster-preferred-endpoint-type unknown-endpoint}) is taken to live on the host that was asked.
     */
    static ClusterTopology of(Response slots, RedisClientOptions options, String askedHost) {
        String[] masterBySlot = new String[KeySlot.SLOTS];
        Set<String> nodes = new LinkedHashSet<>();
        for (Response range : slots) {
            int start = range.get(0).toInteger();
            int end = range.get(1).toInteger();
            for (int i = 2; i < range.size(); i++) {
                Response node = range.get(i);
                Response host = node.get(0);
                // Null (an endpoint the answering node does not know, or hides) or empty: the host that was asked, as
                // the cluster specification has clients do.
                String name = host == null || host.toString().isEmpty() ? askedHost : host.toString();
                String endpoint = options.endpoint(name, node.get(1).toInteger());
                nodes.add(endpoint);
                if (i == 2) {
                    for (int slot = Math.max(0, start); slot <= Math.min(KeySlot.SLOTS - 1, end); slot++) {
                        masterBySlot[slot] = endpoint;
                    }
                }
            }
        }
        return new ClusterTopology(masterBySlot, List.copyOf(nodes));
    }

    /** This topology, but for one slot now served by another master (as a {@code MOVED} said). */
    ClusterTopology withMaster(int slot, String master) {
        String[] updated = masterBySlot.clone();
        updated[slot] = master;
        List<String> known = new ArrayList<>(nodes);
        if (!known.contains(master)) {
            known.add(master);
        }
        return new ClusterTopology(updated, List.copyOf(known));
    }

    /** The master that serves the shard channel or key; null while none does. */
    String masterOf(String name) {
        return masterBySlot[KeySlot.of(name)];
    }

    /** Every node the reply named, masters and replicas, masters of lower slots first. */
    List<String> nodes() {
        return nodes;
    }

    /** The masters, each once. */
    List<String> masters() {
        Set<String> masters = new LinkedHashSet<>();
        for (String master : masterBySlot) {
            if (master != null) {
                masters.add(master);
            }
        }
        return new ArrayList<>(masters);
    }
}
